import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditTestSupport
import Testing

/// The bundled workshop snapshot: every policy and role reason code appears,
/// and the compliant look-alikes beside them stay compliant.
@Suite struct WorkshopAuditTests {
    static let iot = "arn:aws:iot:us-east-1:123456789012"
    static let mobilePool = ResourceIdentifier.cognitoIdentityPoolId("us-east-1:7c6e0f3a-1d2b-4c5d-8e9f-0a1b2c3d4e5f")
    static let firmwareAlias = ResourceIdentifier.roleAliasArn("\(iot):rolealias/WorkshopFirmwareRoleAlias")

    static let policyAndRoleChecks = [
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK",
        "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK", "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK",
        "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK", "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
    ]

    @Test func policyAndRoleFindings() throws {
        let out = TemporaryDirectory()
        let report = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: workshopSnapshot, outputPath: out.path, checkNames: Self.policyAndRoleChecks,
                taskId: "workshop", workers: 2))
        #expect(report.exitStatus == 0)
        #expect(report.errorLines.isEmpty)
        let outcome = try #require(report.outcome)
        let findings = outcome.checks.flatMap { check in
            check.preview.map {
                "\($0.checkName) \($0.reasonForNonComplianceCode) \($0.nonCompliantResource.resourceIdentifier.displayText)"
            }
        }
        let policy = { (name: String) in
            ResourceIdentifier.policyVersion(policyName: name, policyVersionId: "1").displayText
        }
        #expect(
            findings == [
                "IOT_POLICY_OVERLY_PERMISSIVE_CHECK ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS \(policy("TECHCON703_amazon_freertos_policy"))",
                "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT \(policy("BuildingMonitorPolicy"))",
                "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS \(policy("BuildingOperatorPolicy"))",
            ]
                + [
                    "ALLOWS_BROAD_ACCESS_TO_USED_SERVICES", "ALLOWS_ACCESS_TO_SECURITY_AUDITING_SERVICES",
                    "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
                    "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
                    "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
                ].map { "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK \($0) \(Self.firmwareAlias.displayText)" }
                + [
                    "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK ALLOWS_ACCESS_TO_UNUSED_SERVICES \(Self.firmwareAlias.displayText)",
                    "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS \(Self.mobilePool.displayText)",
                    "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS \(Self.mobilePool.displayText)",
                ]
                + [
                    "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
                    "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
                    "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS",
                ].map { "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK \($0) \(Self.mobilePool.displayText)" })
        // The look-alikes were evaluated and found compliant.
        #expect(outcome.checks.map(\.details.totalResourcesCount) == [6, 6, 2, 2, 2, 2])
        #expect(outcome.checks.map(\.details.nonCompliantResourcesCount) == [1, 2, 1, 1, 1, 1])
        let unused = try #require(outcome.checks[3].preview.first)
        #expect(
            unused.reasonForNonCompliance
                == "Role allows access to services not used in the last year: [iam, dynamodb].")
        #expect(
            unused.relatedResources == [
                AuditResource(.iamRole, .iamRoleArn("arn:aws:iam::123456789012:role/WorkshopFirmwareRole"))
            ])
    }
}
