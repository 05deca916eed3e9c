import FleetAuditCore
import FleetAuditPolicy

/// Findings shared by the role alias and Cognito checks.
enum RoleWording {
    /// The IoT admin and data-plane codes, in the order of the table in docs/defender-reference.md §2.2.
    static func iotAdminFindings(
        _ analysis: PolicyAnalysis, policy: RolePolicy,
        make: (String, String, [(String, String)]) -> FindingDraft
    ) -> [FindingDraft] {
        var drafts: [FindingDraft] = []
        func add(_ code: String, _ text: String, _ grants: [PolicyGrant]) {
            guard !grants.isEmpty else { return }
            drafts.append(
                make(
                    code, "\(text): \(PolicyWording.actionList(grants)).",
                    PolicyWording.additionalInfo(grants, describe: policy.describe)))
        }
        add(
            "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
            "Role allows broad access to IoT thing admin read actions",
            analysis.broadThingReadGrants())
        add(
            "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS", "Role allows access to IoT non-thing admin actions",
            analysis.grants(of: IoTActions.nonThingAdmin))
        add(
            "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", "Role allows access to IoT thing admin write actions",
            analysis.grants(of: IoTActions.thingAdminWrite))
        add(
            "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", "Role allows broad access to IoT data plane actions",
            analysis.broadDataPlaneGrants())
        return drafts
    }
}
