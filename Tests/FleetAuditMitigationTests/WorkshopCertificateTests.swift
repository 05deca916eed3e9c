import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

/// Every certificate and connection check, and every certificate mitigation, on
/// the bundled workshop snapshot: the exact findings, then the mitigation task
/// and a re-audit in which only the findings no certificate action can fix remain.
@Suite struct WorkshopCertificateTests {
    static let snapshot = workshopSnapshot
    static let blacklist = workshopWeakKeys

    static func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(TemporaryDirectory.readFile(snapshot + "/" + name)).get()
    }

    /// Thing name → its certificate id (thing-principals.json).
    static func certificateIds() throws -> [String: String] {
        var ids: [String: String] = [:]
        for entry in try json("thing-principals.json")["principalThings"]?.arrayValue ?? [] {
            guard let arn = entry["principal"]?.stringValue, let thing = entry["things"]?.arrayValue?.first?.stringValue
            else { continue }
            ids[thing] = String(arn.split(separator: "/").last ?? "")
        }
        return ids
    }

    /// Registered CAs in file order: the root, the Legacy Issuing CA, the TPM Vendor CA.
    static func caIds() throws -> [String] {
        try (json("ca-certificates.json")["certificateDescriptions"]?.arrayValue ?? []).compactMap {
            $0["certificateId"]?.stringValue
        }
    }

    static func audit(_ snapshot: String, into directory: String) throws -> AuditOutcome {
        let report = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot, outputPath: directory, taskId: "workshop-audit", workers: 2,
                weakKeyBlacklist: blacklist))
        #expect(report.errorLines.isEmpty)
        return try #require(report.outcome)
    }

    /// The policy and role checks have their own workshop test (WorkshopAuditTests); their
    /// findings are the same before and after these certificate mitigations.
    static let policyAndRoleChecks: Set<String> = [
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK",
        "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK", "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK",
        "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK", "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
    ]

    static func found(_ outcome: AuditOutcome) -> [String: [ExpectedFinding]] {
        var result: [String: [ExpectedFinding]] = [:]
        for check in outcome.checks where !check.preview.isEmpty && !policyAndRoleChecks.contains(check.name) {
            result[check.name] = check.preview.map {
                ExpectedFinding($0.reasonForNonComplianceCode, $0.nonCompliantResource.resourceIdentifier)
            }
        }
        return result
    }

    @Test func everyCheckFindsWhatTheWorkshopHolds() throws {
        let ids = try Self.certificateIds()
        let cas = try Self.caIds()
        func device(_ code: String, _ thing: String) -> ExpectedFinding {
            ExpectedFinding(code, .deviceCertificateId(ids[thing] ?? "?"))
        }
        let out = TemporaryDirectory()
        let outcome = try Self.audit(Self.snapshot, into: out.path)
        #expect(outcome.task.failedChecks == 0)
        var found = Self.found(outcome)
        let intermediate = try #require(outcome.checks.first { $0.name.hasPrefix("INTERMEDIATE_CA") }?.preview.first)
        found["INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"] = nil
        #expect(
            found == [
                "LOGGING_DISABLED_CHECK": [ExpectedFinding("LOGGING_DISABLED", .account("123456789012"))],
                "DEVICE_CERTIFICATE_EXPIRING_CHECK": [
                    device("CERTIFICATE_APPROACHING_EXPIRATION", "workshop-sensor-10"),
                    device("CERTIFICATE_PAST_EXPIRATION", "workshop-sensor-11"),
                ],
                "CA_CERTIFICATE_EXPIRING_CHECK": [
                    ExpectedFinding("CERTIFICATE_APPROACHING_EXPIRATION", .caCertificateId(cas[2]))
                ],
                "DEVICE_CERTIFICATE_AGE_CHECK": [
                    device("CERTIFICATE_PAST_AGE_THRESHOLD", "workshop-sensor-10"),
                    device("CERTIFICATE_PAST_AGE_THRESHOLD", "workshop-sensor-11"),
                ],
                "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK": [
                    device("CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361", "workshop-sensor-05"),
                    device("CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166", "workshop-sensor-06"),
                ],
                "CA_CERTIFICATE_KEY_QUALITY_CHECK": [
                    ExpectedFinding("CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361", .caCertificateId(cas[2]))
                ],
                "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK": [
                    device("CERTIFICATE_REVOKED_BY_ISSUER", "workshop-sensor-08")
                ],
                "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK": [
                    ExpectedFinding("CERTIFICATE_REVOKED_BY_ISSUER", .caCertificateId(cas[1]))
                ],
                "DEVICE_CERTIFICATE_SHARED_CHECK": [
                    device("CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES", "workshop-gateway-01")
                ],
                "CONFLICTING_CLIENT_IDS_CHECK": [
                    ExpectedFinding("DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS", .clientId("workshop-sensor-02"))
                ],
            ])
        guard case .issuerCertificate(let subject, _, _) = intermediate.nonCompliantResource.resourceIdentifier else {
            Issue.record("not an issuer certificate")
            return
        }
        #expect(subject == "CN=FleetAudit Workshop Field CA,O=FleetAudit Workshop")
        // As in AWS, the affected certificates are listed apart (related-resources), not inline.
        #expect(intermediate.relatedResources.isEmpty)
        var listed = ""
        _ = try RelatedResourcesCommandRunner.run(directory: out.path, findingId: intermediate.findingId) {
            listed += $0
        }
        #expect(
            try JSONParser.parse(listed).get()["relatedResources"]?.arrayValue?.compactMap {
                $0["resourceIdentifier"]?["deviceCertificateArn"]?.stringValue
            } == [
                "arn:aws:iot:us-east-1:123456789012:cert/\(ids["workshop-gateway-02"] ?? "?")",
                "arn:aws:iot:us-east-1:123456789012:cert/\(ids["workshop-sensor-09"] ?? "?")",
            ])
    }

    @Test func theCertificateMitigationsClearTheirFindings() throws {
        let ids = try Self.certificateIds()
        let scratch = TemporaryDirectory()
        let audit = scratch.path + "/audit"
        _ = try Self.audit(Self.snapshot, into: audit)
        let mapping = #"""
            {"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineThingsAction", "DeactivateDeviceCertificateAction"],
             "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK": ["DeactivateDeviceCertificateAction"],
             "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK": ["DeactivateDeviceCertificateAction"],
             "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK": ["QuarantineThingsAction", "DeactivateDeviceCertificateAction"],
             "DEVICE_CERTIFICATE_SHARED_CHECK": ["QuarantineThingsAction", "DeactivateDeviceCertificateAction"],
             "CA_CERTIFICATE_EXPIRING_CHECK": ["DeactivateCACertificateAction"],
             "CA_CERTIFICATE_KEY_QUALITY_CHECK": ["DeactivateCACertificateAction"],
             "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK": ["DeactivateCACertificateAction"],
             "CONFLICTING_CLIENT_IDS_CHECK": ["PublishFindingToSnsAction"]}
            """#
        let out = scratch.path + "/mitigated"
        let report = try MitigateCommandRunner.run(
            MitigateOptions(
                snapshotPath: Self.snapshot, auditDirectory: audit, mapping: mapping, outputPath: out,
                taskId: "workshop-mitigation", now: "2026-11-26T09:00:00Z"))
        #expect(report.exitStatus == 0)
        #expect(report.outcome?.executions.allSatisfy { $0.status == .completed } == true)
        #expect(report.outcome?.executions.count == 15)
        let reaudit = try Self.audit(out, into: scratch.path + "/reaudit")
        #expect(
            Self.found(reaudit) == [
                "LOGGING_DISABLED_CHECK": [ExpectedFinding("LOGGING_DISABLED", .account("123456789012"))],
                "CONFLICTING_CLIENT_IDS_CHECK": [
                    ExpectedFinding("DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS", .clientId("workshop-sensor-02"))
                ],
            ])
        let members = try JSONParser.parse(TemporaryDirectory.readFile(out + "/thing-group-members.json")).get()
        let quarantine = members["thingGroupMembers"]?.arrayValue?.first { $0["thingGroupName"] == "Quarantine" }
        #expect(
            quarantine?["things"]
                == [
                    "workshop-sensor-10", "workshop-sensor-11", "workshop-gateway-02", "workshop-sensor-09",
                    "workshop-gateway-01",
                ])
        // The input is unchanged; the deactivated certificates are INACTIVE in the new snapshot.
        let after = try JSONParser.parse(TemporaryDirectory.readFile(out + "/certificates.json")).get()
        let inactive = Set(
            (after["certificateDescriptions"]?.arrayValue ?? []).filter { $0["status"] == "INACTIVE" }.compactMap {
                $0["certificateId"]?.stringValue
            })
        let expected = [
            "workshop-sensor-04", "workshop-sensor-05", "workshop-sensor-06", "workshop-sensor-08",
            "workshop-gateway-02", "workshop-sensor-09", "workshop-sensor-10", "workshop-sensor-11",
            "workshop-gateway-01",
        ].compactMap { ids[$0] }
        #expect(inactive == Set(expected))
        #expect(
            try Self.json("certificates.json")["certificateDescriptions"]?.arrayValue?.filter {
                $0["status"] == "INACTIVE"
            }.count == 1)
    }
}
