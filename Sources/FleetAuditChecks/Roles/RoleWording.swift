import FleetAuditCore
import FleetAuditPolicy

/// Findings shared by the role alias and Cognito checks.
enum RoleWording {
    /// The IoT admin and data-plane codes, in the order of the table in docs/defender-reference.md §2.2.
    static func iotAdminFindings(
        _ analysis: PolicyAnalysis, policy: RolePolicy,
        make: (String, String, [(String, String)]) -> FindingDraft
    ) -> [FindingDraft] {
        grantFindings(
            [
                (
                    "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
                    "Role allows broad access to IoT thing admin read actions", analysis.broadThingReadGrants()
                ),
                (
                    "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS", "Role allows access to IoT non-thing admin actions",
                    analysis.grants(of: IoTActions.nonThingAdmin)
                ),
                (
                    "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS",
                    "Role allows access to IoT thing admin write actions",
                    analysis.grants(of: IoTActions.thingAdminWrite)
                ),
                (
                    "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
                    "Role allows broad access to IoT data plane actions", analysis.broadDataPlaneGrants()
                ),
            ], policy: policy, make: make)
    }

    /// One finding per rule whose grants are not empty, in the order given: the reason
    /// is the rule's text and the actions granted, `additionalInfo` which statements grant them.
    static func grantFindings(
        _ rules: [(code: String, text: String, grants: [PolicyGrant])], policy: RolePolicy,
        make: (String, String, [(String, String)]) -> FindingDraft
    ) -> [FindingDraft] {
        rules.filter { !$0.grants.isEmpty }.map { rule in
            make(
                rule.code, "\(rule.text): \(PolicyWording.actionList(rule.grants)).",
                PolicyWording.additionalInfo(rule.grants, describe: policy.describe))
        }
    }
}
