import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

/// Runs `script` under bash with a fake `aws` first on PATH that appends each
/// call's argv to a log (each argument NUL-terminated, a call ended by 0x01 NUL,
/// so arguments may hold newlines), and answers `sts get-caller-identity` with `account`.
func runWithFakeAWS(_ script: String, arguments: [String], account: String = "123456789012", in directory: String)
    throws -> (status: Int32, stdout: String, stderr: String, calls: [[String]])
{
    let bin = directory + "/fake-bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    let log = directory + "/aws-calls"
    let fake = """
        #!/usr/bin/env bash
        printf '%s\\0' "$@" >> '\(log)'
        printf '\\1\\0' >> '\(log)'
        if [ "$1" = sts ]; then echo '\(account)'; fi
        """
    try fake.write(toFile: bin + "/aws", atomically: true, encoding: .utf8)
    chmod(bin + "/aws", 0o755)
    let result = try runProgram(
        "/bin/bash", [script] + arguments, environment: ["PATH": bin + ":/usr/bin:/bin", "HOME": directory],
        directory: directory)
    var calls: [[String]] = []
    var current: [String] = []
    for field in TemporaryDirectory.readFile(log).split(separator: 0, omittingEmptySubsequences: false).dropLast() {
        if Array(field) == [1] {
            calls.append(current)
            current = []
        } else {
            current.append(String(decoding: field, as: UTF8.self))
        }
    }
    return (result.status, result.stdout, result.stderr, calls)
}

/// Issue 12, "Remediation for the account owner": `remediation.sh`.
@Suite struct RemediationScriptTests {
    typealias Fixtures = CertificateFixtures

    /// Hostile thing names: each must reach `aws` as one literal argument.
    static let hostileThings = ["$(touch pwned)", "'; rm -rf ~ #", "a\nb `touch pwned2`"]

    static func files() -> [String: String] {
        let groups: JSONValue = [
            "thingGroups": [
                [
                    "thingGroupName": "Quarantine",
                    "thingGroupArn": "arn:aws:iot:us-east-1:123456789012:thinggroup/Quarantine",
                ]
            ]
        ]
        return [
            "certificates.json": CertificateFixture.file([Fixtures.expired.device()]),
            "thing-principals.json": JSONWriter.pretty([
                "principalThings": [
                    ["principal": .string(Fixtures.expired.arn), "things": .array(hostileThings.map { .string($0) })]
                ]
            ]),
            "thing-groups.json": JSONWriter.pretty(groups),
        ]
    }

    @Test func theScriptRepeatsTheChangesAndEveryValueStaysOneArgument() throws {
        let audited = try AuditedSnapshot(Self.files(), checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineAction", "DeactivateDeviceCertificateAction"]}"#)
        #expect(report.exitStatus == 0)
        let script = audited.report + "/remediation.sh"
        var status = stat()
        #expect(stat(script, &status) == 0 && status.st_mode & 0o777 == 0o755)
        let text = String(decoding: TemporaryDirectory.readFile(script), as: UTF8.self)
        #expect(text.hasPrefix("#!/usr/bin/env bash\n"))
        #expect(text.contains("\nset -euo pipefail\n"))
        // Comments name the finding; the newline inside a thing name does not break a comment line.
        let findingId = try #require(audited.findings.first?.findingId)
        #expect(
            text.contains(
                "# finding \(findingId): DEVICE_CERTIFICATE_EXPIRING_CHECK CERTIFICATE_PAST_EXPIRATION, certificate "
                    + "\(Fixtures.expired.id); action QuarantineAction (ADD_THINGS_TO_THING_GROUP)\n"))
        #expect(text.contains("# thing a\\x0Ab `touch pwned2` added to thing group Quarantine\n"))
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            #expect(!line.contains("\r"))
        }

        let expected: [[String]] =
            Self.hostileThings.map {
                [
                    "iot", "add-thing-to-thing-group", "--region", "us-east-1", "--thing-group-name", "Quarantine",
                    "--thing-name", $0, "--override-dynamic-groups",
                ]
            } + [
                [
                    "iot", "update-certificate", "--region", "us-east-1", "--certificate-id", Fixtures.expired.id,
                    "--new-status", "INACTIVE",
                ]
            ]

        // Dry run: nothing runs, every command is printed.
        let work = TemporaryDirectory()
        let dry = try runWithFakeAWS(script, arguments: [], in: work.path)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.calls.isEmpty)
        #expect(dry.stdout.split(separator: "\n").count == 4)
        #expect(
            dry.stdout.hasSuffix(
                "aws iot update-certificate --region us-east-1 --certificate-id \(Fixtures.expired.id) "
                    + "--new-status INACTIVE\n"))
        #expect(!FileManager.default.fileExists(atPath: work.path + "/pwned"))
        // What the dry run prints, pasted into a shell, gives every command exactly its arguments.
        let pasted = work.write("pasted.sh", dry.stdout)
        let rerun = try runWithFakeAWS(pasted, arguments: [], in: work.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.calls == expected)
        #expect(!FileManager.default.fileExists(atPath: work.path + "/pwned"))
        TemporaryDirectory.remove(work.path + "/aws-calls")

        // --apply: the account is checked, then each command gets exactly its arguments.
        let applied = try runWithFakeAWS(script, arguments: ["--apply"], in: work.path)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.calls == [["sts", "get-caller-identity", "--query", "Account", "--output", "text"]] + expected)
        #expect(!FileManager.default.fileExists(atPath: work.path + "/pwned"))
        #expect(!FileManager.default.fileExists(atPath: work.path + "/pwned2"))

        // Credentials of another account: nothing runs.
        let other = TemporaryDirectory()
        let refused = try runWithFakeAWS(script, arguments: ["--apply"], account: "999999999999", in: other.path)
        #expect(refused.status == 1)
        #expect(refused.calls == [["sts", "get-caller-identity", "--query", "Account", "--output", "text"]])
        #expect(
            refused.stderr
                == "remediation.sh: the AWS credentials are of account 999999999999, not 123456789012; nothing was run\n"
        )
    }

    @Test func policyLoggingAndSNSCommands() {
        let region = "us-east-1"
        #expect(
            ResourceChange.policyDefaultVersion(
                policyName: "P'1", previousDefault: "3", newDefault: "4",
                document: ReplaceDefaultPolicyVersionAction.blankPolicyDocument
            ).awsCommand(region: region).map(\.text) == [
                "aws", "iot", "create-policy-version", "--region", "us-east-1", "--policy-name", "P'1",
                "--policy-document", #"{"Version":"2012-10-17","Statement":[]}"#, "--set-as-default",
            ])
        #expect(
            ResourceChange.v2LoggingEnabled(roleArn: "arn:aws:iam::1:role/R", logLevel: "ERROR", previous: "DISABLED")
                .awsCommand(region: region).map(\.text) == [
                    "aws", "iot", "set-v2-logging-options", "--region", "us-east-1", "--role-arn",
                    "arn:aws:iam::1:role/R", "--default-log-level", "ERROR", "--no-disable-all-logs",
                ])
        // The topic's own region.
        #expect(
            ResourceChange.findingPublished(topicArn: "arn:aws:sns:eu-west-1:123456789012:T", message: "{}")
                .awsCommand(region: region).map(\.text) == [
                    "aws", "sns", "publish", "--region", "eu-west-1", "--topic-arn",
                    "arn:aws:sns:eu-west-1:123456789012:T", "--message", "{}",
                ])
        #expect(
            ResourceChange.caCertificateStatus(certificateId: "c", from: "ACTIVE", to: "INACTIVE").awsCommand(
                region: region
            ).map(\.text) == [
                "aws", "iot", "update-ca-certificate", "--region", "us-east-1", "--certificate-id", "c", "--new-status",
                "INACTIVE",
            ])
        #expect(RemediationScript.quoted("it's") == #"'it'\''s'"#)
    }

    /// Issue 12, ranked point 3: mitigate names each resource and what changed.
    @Test func theSummaryNamesEachResourceAndWhatChanged() throws {
        let audited = try AuditedSnapshot(Self.files(), checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineAction", "DeactivateDeviceCertificateAction"]}"#)
        #expect(
            report.summary == """
                Mitigation task mitigation-1 of audit audit-1: COMPLETED

                DEVICE_CERTIFICATE_EXPIRING_CHECK: 1 finding(s): 1 succeeded, 0 failed, 0 skipped
                  thing $(touch pwned) added to thing group Quarantine  [QuarantineAction]
                  thing '; rm -rf ~ # added to thing group Quarantine  [QuarantineAction]
                  thing a\\x0Ab `touch pwned2` added to thing group Quarantine  [QuarantineAction]
                  certificate \(Fixtures.expired.id) ACTIVE → INACTIVE  [DeactivateDeviceCertificateAction]

                New snapshot: \(audited.out) (the input is unchanged)
                Records: \(audited.report)/mitigation-task.json, executions.json, sns-outbox.jsonl (0 notification(s))
                AWS CLI commands for the account: \(audited.report)/remediation.sh (prints them; --apply runs them)

                """)
    }
}
