import FleetAuditChecks
import FleetAuditCore
import FleetAuditTestSupport
import Foundation
import Testing

/// Every registered check's examples, run through the real executor: the
/// examples in each check's description are its specification.
struct CheckExampleCase: Sendable, CustomTestStringConvertible {
    let check: any AuditCheck.Type
    let example: CheckExample

    var testDescription: String { "\(check.description.name): \(example.name)" }
}

let allExampleCases: [CheckExampleCase] = CheckRegistry.all.flatMap { check in
    check.description.examples.map { CheckExampleCase(check: check, example: $0) }
}

extension CheckExample {
    /// Where the example is written: a failing expectation is reported there, not in this file.
    var sourceLocation: SourceLocation {
        SourceLocation(fileID: fileID, filePath: filePath, line: line, column: 1)
    }
}

@Test("Registered check examples", arguments: allExampleCases)
func registeredCheckExample(_ testCase: CheckExampleCase) {
    let example = testCase.example
    let description = testCase.check.description
    let location = example.sourceLocation
    let snapshot = TemporarySnapshot(example.files)
    if case .rejected(let message) = example.expectation {
        let error = #expect(throws: InputRejected.self, sourceLocation: location) {
            try runAudit(snapshot, checks: [testCase.check], settings: example.settings)
        }
        #expect(error?.description == message, sourceLocation: location)
        return
    }
    let outcome: AuditOutcome
    do {
        outcome = try runAudit(snapshot, checks: [testCase.check], settings: example.settings).outcome
    } catch {
        Issue.record(error, "the audit did not run", sourceLocation: location)
        return
    }
    guard var result = outcome.checks.first else {
        Issue.record("the audit reported no check", sourceLocation: location)
        return
    }
    #expect(result.name == description.name, sourceLocation: location)
    // Paths inside the example's snapshot (settings such as --weak-key-blacklist) are relative in examples.
    result.details.message = result.details.message?.replacingOccurrences(of: snapshot.path + "/", with: "")
    switch example.expectation {
    case .compliant:
        #expect(result.details.checkRunStatus == .completedCompliant, sourceLocation: location)
        #expect(result.details.message == example.message, sourceLocation: location)
        #expect(result.preview.isEmpty, sourceLocation: location)
    case .nonCompliant(let expected):
        #expect(result.details.checkRunStatus == .completedNonCompliant, sourceLocation: location)
        #expect(result.details.message == example.message, sourceLocation: location)
        let found = result.preview.map {
            ExpectedFinding($0.reasonForNonComplianceCode, $0.nonCompliantResource.resourceIdentifier)
        }
        #expect(found == expected, sourceLocation: location)
        for finding in result.preview {
            #expect(finding.severity == description.severity, sourceLocation: location)
            #expect(finding.nonCompliantResource.resourceType == description.resourceType, sourceLocation: location)
            #expect(description.reasonCodes.contains(finding.reasonForNonComplianceCode), sourceLocation: location)
        }
    case .failed(let message):
        #expect(result.details.checkRunStatus == .failed, sourceLocation: location)
        #expect(result.details.message == message, sourceLocation: location)
        #expect(result.preview.isEmpty, sourceLocation: location)
    case .rejected:
        Issue.record("handled above", sourceLocation: location)
    }
}

@Test func everyCheckHasCompliantAndNonCompliantExamples() {
    for check in CheckRegistry.all {
        let expectations = check.description.examples.map(\.expectation)
        #expect(expectations.contains(.compliant), "\(check.description.name) has no compliant example")
        for code in check.description.reasonCodes {
            let covered = expectations.contains { expectation in
                if case .nonCompliant(let findings) = expectation {
                    return findings.contains { $0.reasonCode == code }
                }
                return false
            }
            #expect(covered, "\(check.description.name): no example produces \(code)")
        }
    }
}

@Test func registryNamesAndAliasesAreUnique() {
    let names = CheckRegistry.all.flatMap { [$0.description.name] + $0.description.aliases }
    #expect(Set(names).count == names.count)
    #expect(CheckName.everySpelling == CheckName.allCases.map(\.rawValue) + CheckName.allCases.flatMap(\.aliases))
}

/// Every Defender check name has exactly one registered check, in the order of `CheckName`.
@Test func everyCheckNameHasOneRegisteredCheck() {
    let registered = CheckRegistry.all.map { $0.description.check }
    #expect(registered == CheckName.allCases)
    #expect(CheckName(named: "IOT_POLICY_UNRESTRICTED_CHECK") == .iotPolicyOverlyPermissive)
    #expect(CheckName(named: "CONFLICTING_CLIENT_IDS_CHECK") == .conflictingClientIds)
    #expect(CheckName(named: "conflicting_client_ids_check") == nil)
}

@Test func unknownCheckNameIsRejectedWithTheValidNames() {
    let result = CheckRegistry.resolve(["LOGGING_DISABLED_CHECK", "NO_SUCH_CHECK"])
    guard case .failure(let error) = result else {
        Issue.record("expected a failure")
        return
    }
    #expect(error.names == ["NO_SUCH_CHECK"])
    let valid = CheckRegistry.all.map { $0.description.name }.joined(separator: ", ")
    #expect(valid.hasPrefix("LOGGING_DISABLED_CHECK, IOT_POLICY_OVERLY_PERMISSIVE_CHECK"))
    #expect(valid.contains("DEVICE_CERTIFICATE_EXPIRING_CHECK"))
    #expect(error.description == "unknown check name 'NO_SUCH_CHECK' ('fleet-audit checks' lists the 17 checks)")
}
