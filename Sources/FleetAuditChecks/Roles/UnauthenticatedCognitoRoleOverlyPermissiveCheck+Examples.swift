import FleetAuditCore

extension UnauthenticatedCognitoRoleOverlyPermissiveCheck {
    static let iot = RoleExamples.iot

    static let examples: [CheckExample] = [
        CheckExample(
            "DescribeThing on one thing is already admin access for guests (documented)",
            files: RoleExamples.poolFiles(
                unauthenticated: "[" + RoleExamples.allow(#""iot:DescribeThing""#, "\(iot):thing/MyThing") + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS", RoleExamples.pool)])),
        CheckExample(
            "Subscribe on every thing's topics",
            files: RoleExamples.poolFiles(
                unauthenticated: "[" + RoleExamples.allow(#""iot:Subscribe""#, "\(iot):topicfilter/$aws/things/#")
                    + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", RoleExamples.pool)])
        ),
        CheckExample(
            "a guest role limited to a public topic",
            files: RoleExamples.poolFiles(
                unauthenticated: "[" + RoleExamples.allow(#"["iot:Connect", "iot:Receive"]"#, "\(iot):topic/public/*")
                    + ", " + RoleExamples.allow(#""iot:Subscribe""#, "\(iot):topicfilter/public/*") + "]"),
            expect: .compliant),
        CheckExample(
            "a pool without an unauthenticated role has nothing to check",
            files: RoleExamples.poolFiles(authenticated: "[" + RoleExamples.allow(#""iot:*""#) + "]"),
            expect: .compliant),
        CheckExample(
            "no last-accessed data: every pool is evaluated, and the message says so",
            files: RoleExamples.poolFiles(
                unauthenticated: "[" + RoleExamples.allow(#""iot:*""#) + "]", iotLastUsed: nil),
            expect: .nonCompliant(
                ["ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"].map {
                    ExpectedFinding($0, RoleExamples.pool)
                }),
            message: RoleExamples.everyPoolEvaluated),
        CheckExample(
            "a pool whose roles last used AWS IoT 40 days before the audit is not evaluated",
            files: RoleExamples.poolFiles(
                unauthenticated: "[" + RoleExamples.allow(#""iot:*""#) + "]", iotLastUsed: "2026-10-17T08:00:00Z"),
            expect: .compliant,
            message: "1 identity pool(s) not evaluated: none of their roles used AWS IoT in the 31 days before the "
                + "audit (iam-service-last-accessed.json)"),
    ]
}
