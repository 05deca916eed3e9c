import FleetAuditCore

/// Builders for the role checks' examples: `iam.json`, role aliases, pools, last-accessed data.
enum RoleExamples {
    static let iot = "arn:aws:iot:us-east-1:123456789012"

    static func roleArn(_ name: String) -> String { "arn:aws:iam::123456789012:role/\(name)" }

    /// `iam.json` with one role per entry, each with one inline policy of `statements`
    /// (JSON text of a Statement array), and optionally attached managed policies.
    static func iam(_ roles: [(name: String, statements: String)], attached: [String: String] = [:]) -> String {
        let details = roles.map { role in
            let attachment =
                attached[role.name].map { #"[{"PolicyName": "Managed", "PolicyArn": "\#($0)"}]"# } ?? "[]"
            return
                #"{"RoleName": "\#(role.name)", "Arn": "\#(roleArn(role.name))", "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": \#(role.statements)}}], "AttachedManagedPolicies": \#(attachment)}"#
        }
        return #"{"RoleDetailList": ["# + details.joined(separator: ", ") + #"], "Policies": [], "UserDetailList": []}"#
    }

    static func aliases(_ pairs: [(alias: String, role: String)]) -> String {
        let elements = pairs.map { pair in
            #"{"roleAlias": "\#(pair.alias)", "roleAliasArn": "\#(iot):rolealias/\#(pair.alias)", "roleArn": "\#(roleArn(pair.role))", "credentialDurationSeconds": 3600}"#
        }
        return #"{"roleAliasDescriptions": ["# + elements.joined(separator: ", ") + "]}"
    }

    static func lastAccessed(_ role: String, _ services: [(namespace: String, when: String)]) -> String {
        lastAccessed([(role, services)])
    }

    /// `iam-service-last-accessed.json` for several roles.
    static func lastAccessed(_ roles: [(role: String, services: [(namespace: String, when: String)])]) -> String {
        let elements = roles.map { role in
            let entries = role.services.map {
                #"{"ServiceName": "\#($0.namespace)", "ServiceNamespace": "\#($0.namespace)", "LastAuthenticated": "\#($0.when)"}"#
            }
            return #"{"roleArn": "\#(roleArn(role.role))", "ServicesLastAccessed": ["# + entries.joined(separator: ", ")
                + "]}"
        }
        return #"{"roles": ["# + elements.joined(separator: ", ") + "]}"
    }

    static func pools(_ pools: [(id: String, authenticated: String?, unauthenticated: String?)]) -> String {
        let elements = pools.map { pool in
            var roles: [String] = []
            if let role = pool.authenticated { roles.append(#""authenticated": "\#(roleArn(role))""#) }
            if let role = pool.unauthenticated { roles.append(#""unauthenticated": "\#(roleArn(role))""#) }
            return #"{"IdentityPoolId": "\#(pool.id)", "Roles": {\#(roles.joined(separator: ", "))}}"#
        }
        return #"{"identityPoolRoles": ["# + elements.joined(separator: ", ") + "]}"
    }

    static func allow(_ actions: String, _ resource: String = "*") -> String {
        #"{"Effect": "Allow", "Action": \#(actions), "Resource": "\#(resource)"}"#
    }

    static let alias = ResourceIdentifier.roleAliasArn("\(iot):rolealias/DeviceAlias")
    static let pool = ResourceIdentifier.cognitoIdentityPoolId("us-east-1:11111111-2222-3333-4444-555555555555")
    static let poolId = "us-east-1:11111111-2222-3333-4444-555555555555"

    /// A role alias `DeviceAlias` for role `DeviceRole` with `statements`, plus `extra` files.
    static func aliasFiles(_ statements: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "role-aliases.json": aliases([("DeviceAlias", "DeviceRole")]),
            "iam.json": iam([("DeviceRole", statements)]),
        ].merging(extra) { _, new in new }
    }

    /// Six days before the examples' audit time (2026-11-26T08:00:00Z): inside the Cognito checks' 31 days.
    static let recently = "2026-11-20T00:00:00Z"

    /// A pool whose `kind` role has `statements`; its roles last used AWS IoT at `iotLastUsed`
    /// (nil: no `iam-service-last-accessed.json`).
    static func poolFiles(
        authenticated: String? = nil, unauthenticated: String? = nil, iotLastUsed: String? = recently
    ) -> [String: String] {
        var roles: [(name: String, statements: String)] = []
        if let authenticated { roles.append(("AuthRole", authenticated)) }
        if let unauthenticated { roles.append(("UnauthRole", unauthenticated)) }
        var files = [
            "cognito-identity-pools.json": pools([
                (poolId, authenticated == nil ? nil : "AuthRole", unauthenticated == nil ? nil : "UnauthRole")
            ]),
            "iam.json": iam(roles),
        ]
        if let iotLastUsed {
            files["iam-service-last-accessed.json"] = lastAccessed(roles.map { ($0.name, [("iot", iotLastUsed)]) })
        }
        return files
    }

    static let everyPoolEvaluated =
        "every identity pool is evaluated: which were used to connect in the 31 days before the audit is unknown "
        + "(iam-service-last-accessed.json: file not found in the snapshot; it tells when each pool's roles last "
        + "used AWS IoT)"
}

extension RoleAliasOverlyPermissiveCheck {
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

extension RoleAliasUnusedServicesCheck {
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

extension UnauthenticatedCognitoRoleCheck {
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

extension AuthenticatedCognitoRoleCheck {
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
