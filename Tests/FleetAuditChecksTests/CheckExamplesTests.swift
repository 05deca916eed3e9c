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

@Test("Registered check examples", arguments: allExampleCases)
func registeredCheckExample(_ testCase: CheckExampleCase) throws {
    let snapshot = TemporarySnapshot(testCase.example.files)
    if case .rejected(let message) = testCase.example.expectation {
        let error = #expect(throws: InputRejected.self) {
            try runAudit(snapshot, checks: [testCase.check], settings: testCase.example.settings)
        }
        #expect(error?.description == message)
        return
    }
    let (outcome, _) = try runAudit(snapshot, checks: [testCase.check], settings: testCase.example.settings)
    var result = try #require(outcome.checks.first)
    #expect(result.name == testCase.check.description.name)
    // Paths inside the example's snapshot (settings such as --weak-key-blacklist) are relative in examples.
    result.details.message = result.details.message?.replacingOccurrences(of: snapshot.path + "/", with: "")
    switch testCase.example.expectation {
    case .compliant:
        #expect(result.details.checkRunStatus == .completedCompliant)
        #expect(result.details.message == testCase.example.message)
        #expect(result.preview.isEmpty)
    case .nonCompliant(let expected):
        #expect(result.details.checkRunStatus == .completedNonCompliant)
        #expect(result.details.message == testCase.example.message)
        let found = result.preview.map {
            ExpectedFinding($0.reasonForNonComplianceCode, $0.nonCompliantResource.resourceIdentifier)
        }
        #expect(found == expected)
        for finding in result.preview {
            #expect(finding.severity == testCase.check.description.severity)
            #expect(finding.nonCompliantResource.resourceType == testCase.check.description.resourceType)
            #expect(testCase.check.description.reasonCodes.contains(finding.reasonForNonComplianceCode))
        }
    case .failed(let message):
        #expect(result.details.checkRunStatus == .failed)
        #expect(result.details.message == message)
        #expect(result.preview.isEmpty)
    case .rejected:
        Issue.record("handled above")
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
