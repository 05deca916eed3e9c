import FleetAuditCore

extension AuthenticatedCognitoRoleOverlyPermissiveCheck {
    static let iot = RoleExamples.iot

    static let examples: [CheckExample] = [
        CheckExample(
            "DescribeThing on one named thing (documented compliant for authenticated users)",
            files: RoleExamples.poolFiles(
                authenticated: "[" + RoleExamples.allow(#""iot:DescribeThing""#, "\(iot):thing/MyThing") + "]"),
            expect: .compliant),
        CheckExample(
            "DescribeThing on thing/* (documented non-compliant)",
            files: RoleExamples.poolFiles(
                authenticated: "[" + RoleExamples.allow(#""iot:DescribeThing""#, "\(iot):thing/*") + "]"),
            expect: .nonCompliant([
                ExpectedFinding("ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS", RoleExamples.pool)
            ])),
        CheckExample(
            "CreateThing on any resource",
            files: RoleExamples.poolFiles(authenticated: "[" + RoleExamples.allow(#""iot:CreateThing""#) + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", RoleExamples.pool)]
            )),
        CheckExample(
            "AttachPolicy (manage non-things)",
            files: RoleExamples.poolFiles(authenticated: "[" + RoleExamples.allow(#""iot:AttachPolicy""#) + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS", RoleExamples.pool)])),
        CheckExample(
            "Publish on every thing's reserved topics (documented non-compliant: broad data-plane access)",
            files: RoleExamples.poolFiles(
                authenticated: "[" + RoleExamples.allow(#""iot:Publish""#, "\(iot):topic/$aws/things/*") + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", RoleExamples.pool)])
        ),
        CheckExample(
            "GetThingShadow on two named things (documented compliant)",
            files: RoleExamples.poolFiles(
                authenticated: "["
                    + RoleExamples.allow(#"["iot:GetThingShadow", "iot:UpdateThingShadow"]"#, "\(iot):thing/MyThing1")
                    + ", "
                    + RoleExamples.allow(#"["iot:GetThingShadow", "iot:UpdateThingShadow"]"#, "\(iot):thing/MyThing2")
                    + "]"),
            expect: .compliant),
        CheckExample(
            "application topics are not reserved topics",
            files: RoleExamples.poolFiles(
                authenticated: "[" + RoleExamples.allow(#"["iot:Publish", "iot:Receive"]"#, "\(iot):topic/app/*")
                    + "]"),
            expect: .compliant),
        CheckExample(
            "two pools, only one of them used to connect in the last 31 days: only that one is evaluated",
            files: [
                "cognito-identity-pools.json": RoleExamples.pools([
                    (RoleExamples.poolId, "AuthRole", nil),
                    ("us-east-1:99999999-8888-7777-6666-555555555555", "IdleRole", nil),
                ]),
                "iam.json": RoleExamples.iam([
                    ("AuthRole", "[" + RoleExamples.allow(#""iot:UpdateThing""#) + "]"),
                    ("IdleRole", "[" + RoleExamples.allow(#""iot:UpdateThing""#) + "]"),
                ]),
                "iam-service-last-accessed.json": RoleExamples.lastAccessed([
                    ("AuthRole", [("iot", "2026-11-25T23:00:00Z")]), ("IdleRole", [("s3", RoleExamples.recently)]),
                ]),
            ],
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", RoleExamples.pool)]
            ),
            message: "1 identity pool(s) not evaluated: none of their roles used AWS IoT in the 31 days before the "
                + "audit (iam-service-last-accessed.json)"),
        CheckExample(
            "a pool whose role is not in the last-accessed data is evaluated, and the message says so",
            files: RoleExamples.poolFiles(authenticated: "[" + RoleExamples.allow(#""iot:UpdateThing""#) + "]")
                .merging(["iam-service-last-accessed.json": RoleExamples.lastAccessed("OtherRole", [])]) { $1 },
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", RoleExamples.pool)]
            ),
            message: "1 identity pool(s) evaluated without usage data: a role of theirs is not in "
                + "iam-service-last-accessed.json"),
    ]
}
