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
