import FleetAuditCore

extension IoTRoleAliasOverlyPermissiveCheck {
    static let iot = RoleExamples.iot

    static let examples: [CheckExample] = [
        CheckExample(
            "iot:* on * (no last-accessed data: every service counts as used)",
            files: RoleExamples.aliasFiles("[" + RoleExamples.allow(#""iot:*""#) + "]"),
            expect: .nonCompliant(
                [
                    "ALLOWS_BROAD_ACCESS_TO_USED_SERVICES", "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
                    "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS", "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS",
                    "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
                ].map { ExpectedFinding($0, RoleExamples.alias) })),
        CheckExample(
            "any access to IAM is access to a security auditing service",
            files: RoleExamples.aliasFiles("[" + RoleExamples.allow(#""iam:GetRole""#) + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_SECURITY_AUDITING_SERVICES", RoleExamples.alias)])),
        CheckExample(
            "dynamodb:* on a service the role used in the last year",
            files: RoleExamples.aliasFiles(
                "[" + RoleExamples.allow(#""dynamodb:*""#) + "]",
                extra: [
                    "iam-service-last-accessed.json": RoleExamples.lastAccessed(
                        "DeviceRole", [("dynamodb", "2026-10-01T00:00:00Z")])
                ]),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_BROAD_ACCESS_TO_USED_SERVICES", RoleExamples.alias)])),
        CheckExample(
            "dynamodb:* on a service the role has not used is the other check's concern",
            files: RoleExamples.aliasFiles(
                "[" + RoleExamples.allow(#""dynamodb:*""#) + "]",
                extra: [
                    "iam-service-last-accessed.json": RoleExamples.lastAccessed(
                        "DeviceRole", [("iot", "2026-10-01T00:00:00Z")])
                ]),
            expect: .compliant),
        CheckExample(
            "a thing-scoped credentials-provider role",
            files: RoleExamples.aliasFiles(
                "["
                    + RoleExamples.allow(#""iot:Connect""#, "\(iot):client/${credentials-iot:ThingName}") + ", "
                    + RoleExamples.allow(
                        #"["iot:Publish", "iot:Receive"]"#, "\(iot):topic/$aws/things/${credentials-iot:ThingName}/*")
                    + "]"),
            expect: .compliant),
        CheckExample(
            "DescribeThing on thing/* is a broad thing admin read",
            files: RoleExamples.aliasFiles("[" + RoleExamples.allow(#""iot:DescribeThing""#, "\(iot):thing/*") + "]"),
            expect: .nonCompliant([
                ExpectedFinding("ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS", RoleExamples.alias)
            ])),
        CheckExample(
            "DescribeThing on one named thing",
            files: RoleExamples.aliasFiles(
                "[" + RoleExamples.allow(#""iot:DescribeThing""#, "\(iot):thing/Sensor1") + "]"),
            expect: .compliant),
        CheckExample(
            "CreateThing on one ARN is still thing admin write",
            files: RoleExamples.aliasFiles("[" + RoleExamples.allow(#""iot:CreateThing""#, "\(iot):thing/x") + "]"),
            expect: .nonCompliant([
                ExpectedFinding("ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", RoleExamples.alias)
            ])),
        CheckExample(
            "AttachPolicy is non-thing admin",
            files: RoleExamples.aliasFiles("[" + RoleExamples.allow(#""iot:AttachPolicy""#) + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS", RoleExamples.alias)])
        ),
        CheckExample(
            "Subscribe on every thing's topics",
            files: RoleExamples.aliasFiles(
                "[" + RoleExamples.allow(#""iot:Subscribe""#, "\(iot):topicfilter/$aws/things/*") + "]"),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", RoleExamples.alias)]
            )),
    ]
}
