import FleetAuditCore
import FleetAuditJSON

/// One change a completed execution made to the new snapshot, named by
/// resource: what `mitigate` prints and what `remediation.sh` repeats on the
/// real account with the AWS CLI. Values are exact (from the snapshot or the
/// actions file); printing escapes them, the script quotes them.
public enum ResourceChange: Sendable, Hashable {
    /// `aws iot update-certificate --new-status INACTIVE`.
    case deviceCertificateStatus(certificateId: String, from: String, to: String)
    /// `aws iot update-ca-certificate --new-status INACTIVE`.
    case caCertificateStatus(certificateId: String, from: String, to: String)
    /// `aws iot create-policy-version --set-as-default`.
    case policyDefaultVersion(policyName: String, previousDefault: String?, newDefault: String, document: String)
    /// `aws iot add-thing-to-thing-group`; `leftGroups`: dynamic groups left to stay within the limit.
    case thingAddedToGroup(thingName: String, groupName: String, overrideDynamicGroups: Bool, leftGroups: [String])
    /// `aws iot set-v2-logging-options`; `previous`: how v2 logging was set before ("DISABLED", a level, nil).
    case v2LoggingEnabled(roleArn: String, logLevel: String, previous: String?)
    /// `aws sns publish`; `message` is the finding as the notification carries it.
    case findingPublished(topicArn: String, message: String)

    /// One line for people, values escaped for a terminal.
    public var summary: String {
        let shown = { (text: String) in TerminalText.escape(text, limit: 256) }
        switch self {
        case .deviceCertificateStatus(let id, let from, let to):
            return "certificate \(shown(id)) \(shown(from)) → \(shown(to))"
        case .caCertificateStatus(let id, let from, let to):
            return "CA certificate \(shown(id)) \(shown(from)) → \(shown(to))"
        case .policyDefaultVersion(let name, let previous, let new, _):
            return "policy \(shown(name)) version \(shown(previous ?? "(none)")) → new default version \(shown(new)) "
                + "(grants nothing)"
        case .thingAddedToGroup(let thing, let group, _, let left):
            let leaving = left.isEmpty ? "" : " (leaving dynamic group \(left.map(shown).joined(separator: ", ")))"
            return "thing \(shown(thing)) added to thing group \(shown(group))\(leaving)"
        case .v2LoggingEnabled(let role, let level, let previous):
            return
                "v2 logging \(shown(previous ?? "not configured")) → default level \(shown(level)), role \(shown(role))"
        case .findingPublished(let topic, _):
            return "finding published to SNS topic \(shown(topic)) (sns-outbox.jsonl)"
        }
    }

    /// The AWS CLI command that makes the same change in the account (`aws`
    /// first). `region`: the snapshot's; an SNS topic's ARN names its own.
    public func awsCommand(region: String) -> [ShellWord] {
        let words = { (names: [String]) in names.map(ShellWord.word) }
        switch self {
        case .deviceCertificateStatus(let id, _, let to):
            return words(["aws", "iot", "update-certificate", "--region"]) + [.value(region)]
                + words(["--certificate-id"]) + [.value(id)] + words(["--new-status"]) + [.value(to)]
        case .caCertificateStatus(let id, _, let to):
            return words(["aws", "iot", "update-ca-certificate", "--region"]) + [.value(region)]
                + words(["--certificate-id"]) + [.value(id)] + words(["--new-status"]) + [.value(to)]
        case .policyDefaultVersion(let name, _, _, let document):
            return words(["aws", "iot", "create-policy-version", "--region"]) + [.value(region)]
                + words(["--policy-name"]) + [.value(name)] + words(["--policy-document"]) + [.value(document)]
                + words(["--set-as-default"])
        case .thingAddedToGroup(let thing, let group, let override, _):
            return words(["aws", "iot", "add-thing-to-thing-group", "--region"]) + [.value(region)]
                + words(["--thing-group-name"]) + [.value(group)] + words(["--thing-name"]) + [.value(thing)]
                + (override ? words(["--override-dynamic-groups"]) : [])
        case .v2LoggingEnabled(let role, let level, _):
            return words(["aws", "iot", "set-v2-logging-options", "--region"]) + [.value(region)]
                + words(["--role-arn"]) + [.value(role)] + words(["--default-log-level"]) + [.value(level)]
                + words(["--no-disable-all-logs"])
        case .findingPublished(let topic, let message):
            // arn:aws:sns:REGION:ACCOUNT:NAME: the topic's region, else the snapshot's.
            let parts = topic.split(separator: ":", omittingEmptySubsequences: false)
            let topicRegion = parts.count >= 6 && !parts[3].isEmpty ? String(parts[3]) : region
            return words(["aws", "sns", "publish", "--region"]) + [.value(topicRegion)] + words(["--topic-arn"])
                + [.value(topic)] + words(["--message"]) + [.value(message)]
        }
    }
}

/// A word of a generated shell command: a fixed word of the command, or a
/// value from the inputs, which is always quoted.
public enum ShellWord: Sendable, Hashable {
    case word(String)
    case value(String)

    public var text: String {
        switch self {
        case .word(let text), .value(let text): return text
        }
    }
}
