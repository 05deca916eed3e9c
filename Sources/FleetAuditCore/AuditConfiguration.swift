import FleetAuditJSON

/// A whole-number setting a check takes from the account audit configuration
/// (`auditCheckConfigurations.<CHECK>.configuration.<name>`), with the range the
/// API accepts and the value that applies when the configuration does not set it.
public struct CheckConfigurationKey: Sendable, Hashable {
    public var name: String
    public var allowedRange: ClosedRange<Int64>
    public var defaultValue: Int64
    /// What the number counts, for error messages ("days").
    public var unit: String

    public init(_ name: String, allowedRange: ClosedRange<Int64>, defaultValue: Int64, unit: String) {
        self.name = name
        self.allowedRange = allowedRange
        self.defaultValue = defaultValue
        self.unit = unit
    }
}

/// Where the audit notification goes: `auditNotificationTargetConfigurations.SNS`
/// when it is enabled.
public struct AuditNotificationTarget: Sendable, Hashable {
    public var targetArn: String
    public var roleArn: String?

    public init(targetArn: String, roleArn: String? = nil) {
        self.targetArn = targetArn
        self.roleArn = roleArn
    }
}

/// Problems found in an input the user gave (a configuration, a suppressions
/// file), all of them, each naming the file and the member. Nothing runs when
/// there is any: half-applied settings would give findings the user did not ask for.
public struct InputRejected: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [SnapshotProblem]

    public init(_ problems: [SnapshotProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// The account audit configuration (`audit-configuration.json`, the
/// `describe-account-audit-configuration` shape), read and validated once per
/// run before any check runs.
///
/// - Absent from the snapshot: every check is enabled (an offline audit of an
///   account that never configured Device Defender still has something to say),
///   thresholds take their defaults, no notification.
/// - Listed `unavailable` in the manifest: every check runs, but a check that
///   needs a threshold FAILS, because its value cannot be known.
/// - Present: exactly the checks with `enabled: true` are enabled (a check the
///   file does not list is disabled, as AWS keeps unlisted checks off); each
///   threshold must be a whole number within the API's range.
public struct AuditConfiguration: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case absent
        case unavailable(SnapshotProblem)
        case file(String)
    }

    public var source: Source
    /// Canonical names of the enabled checks (meaningful for `.file` only).
    public var enabledChecks: Set<String>
    /// Canonical check name → configuration key → validated value.
    public var values: [String: [String: Int64]]
    public var roleArn: String?
    /// Set only when the SNS target is enabled.
    public var notificationTarget: AuditNotificationTarget?

    public init(
        source: Source, enabledChecks: Set<String> = [], values: [String: [String: Int64]] = [:],
        roleArn: String? = nil, notificationTarget: AuditNotificationTarget? = nil
    ) {
        self.source = source
        self.enabledChecks = enabledChecks
        self.values = values
        self.roleArn = roleArn
        self.notificationTarget = notificationTarget
    }

    /// No configuration file: every check enabled, defaults everywhere.
    public static let everyCheck = AuditConfiguration(source: .absent)

    public func isEnabled(_ check: CheckDescription) -> Bool {
        if case .file = source { return enabledChecks.contains(check.name) }
        return true
    }

    /// The value of `key` for `check`: the configured one, or the key's default.
    /// Throws when the configuration was not collected (the check FAILS).
    public func value(_ key: CheckConfigurationKey, for check: CheckDescription) throws(SnapshotProblem) -> Int64 {
        if case .unavailable(let problem) = source { throw problem }
        return values[check.name]?[key.name] ?? key.defaultValue
    }

    /// Reads the snapshot's `audit-configuration.json`, validating it against `checks`
    /// (the registered checks: their names, aliases and configuration keys).
    public static func load(_ snapshot: Snapshot, checks: [CheckDescription]) throws(InputRejected)
        -> AuditConfiguration
    {
        let file = SnapshotFile.auditConfiguration
        if snapshot.isAbsent(file) { return .everyCheck }
        if snapshot.manifest.unavailable[file.jsonName] != nil {
            if case .failure(let problem) = snapshot.locate(file) {
                return AuditConfiguration(source: .unavailable(problem))
            }
        }
        let object: JSONObject
        do {
            object = try snapshot.readObject(file)
        } catch {
            throw InputRejected([error])
        }
        return try parse(object, file: file.jsonName, checks: checks)
    }

    public static func parse(_ object: JSONObject, file: String, checks: [CheckDescription]) throws(InputRejected)
        -> AuditConfiguration
    {
        var problems: [SnapshotProblem] = []
        func problem(_ reason: String) { problems.append(SnapshotProblem(file: file, reason: reason)) }
        var configuration = AuditConfiguration(source: .file(file))
        if let role = object["roleArn"] {
            if let text = role.stringValue { configuration.roleArn = text } else { problem("roleArn is not a string") }
        }
        switch object["auditCheckConfigurations"] {
        case nil:
            break
        case .object(let entries)?:
            parseCheckConfigurations(entries, checks: checks, into: &configuration, problem: problem)
        case let other?:
            problem("auditCheckConfigurations is \(other.typeName), not an object")
        }
        switch object["auditNotificationTargetConfigurations"] {
        case nil:
            break
        case .object(let targets)?:
            configuration.notificationTarget = parseNotificationTargets(targets, problem: problem)
        case let other?:
            problem("auditNotificationTargetConfigurations is \(other.typeName), not an object")
        }
        guard problems.isEmpty else { throw InputRejected(problems) }
        return configuration
    }

    /// `auditCheckConfigurations`: which checks are enabled, and their settings, by canonical name.
    static func parseCheckConfigurations(
        _ entries: JSONObject, checks: [CheckDescription], into configuration: inout AuditConfiguration,
        problem: (String) -> Void
    ) {
        var seen: [String: String] = [:]
        for (name, entry) in entries.members {
            let member = "auditCheckConfigurations.\(name)"
            guard let check = checks.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
                problem(
                    "\(member): unknown check; valid names: \(checks.map(\.name).joined(separator: ", "))")
                continue
            }
            if let earlier = seen[check.name] {
                problem("\(member): \(check.name) is configured twice (as \(earlier) and \(name))")
                continue
            }
            seen[check.name] = name
            guard let settings = entry.objectValue else {
                problem("\(member) is \(entry.typeName), not an object")
                continue
            }
            // Absent is the API's default: disabled.
            if enabledFlag(settings, member: member, problem: problem) {
                configuration.enabledChecks.insert(check.name)
            }
            guard let values = settings["configuration"] else { continue }
            guard let values = values.objectValue else {
                problem("\(member).configuration is \(values.typeName), not an object")
                continue
            }
            // Keys the check does not take are left alone (docs/audit-configuration.md).
            for key in check.configurationKeys {
                guard let value = values[key.name] else { continue }
                if let number = Self.wholeNumber(value), key.allowedRange.contains(number) {
                    configuration.values[check.name, default: [:]][key.name] = number
                } else {
                    problem(
                        "\(member).configuration.\(key.name) is \(JSONWriter.compact(value)); expected a whole "
                            + "number of \(key.unit) from \(key.allowedRange.lowerBound) to "
                            + "\(key.allowedRange.upperBound)")
                }
            }
        }
    }

    /// `auditNotificationTargetConfigurations`: the SNS target when it is enabled.
    static func parseNotificationTargets(_ targets: JSONObject, problem: (String) -> Void)
        -> AuditNotificationTarget?
    {
        var notificationTarget: AuditNotificationTarget?
        for (name, target) in targets.members {
            let member = "auditNotificationTargetConfigurations.\(name)"
            guard name == "SNS" else {
                problem("\(member): unknown notification target; the only one is SNS")
                continue
            }
            guard let settings = target.objectValue else {
                problem("\(member) is \(target.typeName), not an object")
                continue
            }
            let enabled = enabledFlag(settings, member: member, problem: problem)
            let roleArn = settings["roleArn"]?.stringValue
            if settings["roleArn"] != nil, roleArn == nil { problem("\(member).roleArn is not a string") }
            switch settings["targetArn"] {
            case .string(let arn)? where !arn.isEmpty:
                if enabled { notificationTarget = AuditNotificationTarget(targetArn: arn, roleArn: roleArn) }
            case nil where !enabled:
                break
            case let other:
                problem(
                    "\(member).targetArn is \(other.map(JSONWriter.compact) ?? "missing"); an SNS target needs "
                        + "the topic's ARN")
            }
        }
        return notificationTarget
    }

    /// `<member>.enabled`: true or false, false when absent; anything else is a problem (and false).
    static func enabledFlag(_ settings: JSONObject, member: String, problem: (String) -> Void) -> Bool {
        switch settings["enabled"] {
        case nil: return false
        case .bool(let enabled)?: return enabled
        case let other?:
            problem("\(member).enabled is \(JSONWriter.compact(other)); expected true or false")
            return false
        }
    }

    /// `"365"` (the API's string form) or `365`; nil for anything else.
    static func wholeNumber(_ value: JSONValue) -> Int64? {
        switch value {
        case .string(let text):
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return nil
            }
            return Int64(text)
        case .integer(let number): return number
        default: return nil
        }
    }
}
