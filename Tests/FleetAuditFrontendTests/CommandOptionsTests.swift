import ArgumentParser
import FleetAuditBase
import FleetAuditFrontend
import FleetAuditReports
import FleetAuditTestSupport
import Testing

/// Each command's one options type: what the parser makes of a command line is what code
/// that builds the options gets, and a usage error comes from the one validation.
@Suite struct CommandOptionsTests {
    @Test func parsedAuditOptionsEqualTheOnesBuiltInCode() throws {
        let out = TemporaryDirectory().path + "/out"
        let parsed = try AuditOptions.parse([
            workshopSnapshot, "--out", out, "--checks", "LOGGING_DISABLED_CHECK,REVOKED_CA_CERT_CHECK", "--now",
            "2026-11-26",
            "--task-id", "T1", "--workers", "3", "-q",
        ])
        let built = AuditOptions(
            snapshotPath: workshopSnapshot, outputPath: out,
            checkNames: ["LOGGING_DISABLED_CHECK", "REVOKED_CA_CERT_CHECK"],
            now: "2026-11-26", taskId: "T1", workers: 3)
        for options in [parsed, built] {
            #expect(options.snapshotPath == workshopSnapshot)
            #expect(options.outputPath == out)
            #expect(options.checkNames == ["LOGGING_DISABLED_CHECK", "REVOKED_CA_CERT_CHECK"])
            #expect(options.progressMode == .never)
            #expect(options.excludedCheckNames == nil)
            let validated = try options.validated()
            let named = (validated.checks.named ?? []).map { check in check.description.name }
            #expect(named == ["LOGGING_DISABLED_CHECK", "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"])
            #expect(validated.now == AuditTime(iso8601: "2026-11-26T00:00:00Z"))
            #expect(validated.formats == [.json])
        }
        #expect(try AuditOptions.parse([workshopSnapshot, "--out", out]).progressMode == .auto)
        #expect(try AuditOptions.parse([workshopSnapshot, "--out", out, "--progress"]).progressMode == .always)
    }

    @Test func aUsageErrorComesFromTheOneValidation() throws {
        let out = TemporaryDirectory().path + "/out"
        let arguments = [workshopSnapshot, "--out", out, "--workers", "0"]
        #expect(throws: UsageError("--workers must be at least 1")) {
            try AuditOptions(snapshotPath: workshopSnapshot, outputPath: out, workers: 0).validated()
        }
        do {
            _ = try AuditOptions.parse(arguments)
            Issue.record("--workers 0 was accepted")
        } catch {
            #expect(AuditOptions.exitCode(for: error) == .validationFailure)
            #expect(AuditOptions.message(for: error) == "--workers must be at least 1")
        }
    }

    @Test func everyOptionsTypeBuiltInCodeHasItsValues() throws {
        let mitigate = MitigateOptions(
            snapshotPath: "s", auditDirectory: "a", actionsPath: #"{"mitigationActions": []}"#, mapping: "{}",
            outputPath: "o")
        #expect(mitigate.snapshot == "s" && mitigate.reportDirectory == nil && !mitigate.force)
        #expect(mitigate.colorOption.color == .never)
        let diff = DiffOptions(oldDirectory: "a", newDirectory: "b")
        #expect(diff.old == "a" && diff.new == "b" && diff.output == "text" && diff.failOn == nil)
        let findings = FindingsOptions(directory: "d", severity: "high")
        #expect(findings.listSuppressedFindings == nil)
        #expect(try findings.validated().severity == .high)
        let authorization = TestAuthorizationOptions(snapshotPath: "s", authInfos: "[]")
        #expect(authorization.policyNamesToAdd.isEmpty && authorization.outputOption.output == nil)
        let edit = SuppressionEdit(checkName: "LOGGING_DISABLED_CHECK", resourceIdentifier: "account=1")
        #expect(edit.checkName == "LOGGING_DISABLED_CHECK" && edit.expirationDate == nil && !edit.suppressIndefinitely)
    }
}
