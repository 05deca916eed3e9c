import FleetAuditCore

extension IoTRoleAliasAllowsAccessToUnusedServicesCheck {
    static let examples: [CheckExample] = [
        CheckExample(
            "role used only IoT but also grants iam:GetRole and dynamodb:PutItem (documented example)",
            files: RoleExamples.aliasFiles(
                "[" + RoleExamples.allow(#"["iot:Connect", "iam:GetRole", "dynamodb:PutItem"]"#) + "]",
                extra: [
                    "iam-service-last-accessed.json": RoleExamples.lastAccessed(
                        "DeviceRole", [("iot", "2026-11-20T00:00:00Z")])
                ]),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_UNUSED_SERVICES", RoleExamples.alias)])),
        CheckExample(
            "every granted service used in the last year",
            files: RoleExamples.aliasFiles(
                "[" + RoleExamples.allow(#"["iot:Connect", "s3:GetObject"]"#) + "]",
                extra: [
                    "iam-service-last-accessed.json": RoleExamples.lastAccessed(
                        "DeviceRole", [("iot", "2026-11-20T00:00:00Z"), ("s3", "2025-12-01T00:00:00Z")])
                ]),
            expect: .compliant),
        CheckExample(
            "a service last used 400 days before the audit is unused",
            files: RoleExamples.aliasFiles(
                "[" + RoleExamples.allow(#"["iot:Connect", "s3:GetObject"]"#) + "]",
                extra: [
                    "iam-service-last-accessed.json": RoleExamples.lastAccessed(
                        "DeviceRole", [("iot", "2026-11-20T00:00:00Z"), ("s3", "2025-10-22T00:00:00Z")])
                ]),
            expect: .nonCompliant([ExpectedFinding("ALLOWS_ACCESS_TO_UNUSED_SERVICES", RoleExamples.alias)])),
        CheckExample(
            "without last-accessed data the check cannot run",
            files: RoleExamples.aliasFiles("[" + RoleExamples.allow(#""iot:Connect""#) + "]"),
            expect: .failed(
                message:
                    "iam-service-last-accessed.json: file not found in the snapshot (it tells which services each role used in the last year)"
            )),
    ]
}
