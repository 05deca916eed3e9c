/// The small account-level files of a generated snapshot: logging settings,
/// audit configuration, role aliases with their IAM roles, Cognito identity
/// pools and thing groups. They do not grow with the fleet; each holds a fixed
/// set of planted violations beside compliant look-alikes, and `expected`
/// records what the audit must find in them.
enum AccountFiles {
    /// (check name, total resources, non-compliant resources) of the checks that read only these files.
    static let expected: [(String, Int, Int)] = [
        // v1 DISABLED; v2 DISABLED by default with one thing group at INFO.
        ("LOGGING_DISABLED_CHECK", 1, 1),
        // Legacy (`*`) and Reporting (`s3:*` on a used service) of five aliases.
        ("IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK", 5, 2),
        // Legacy (`*`) and Telemetry (DynamoDB, last used 400 days ago).
        ("IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK", 5, 2),
        // Dashboard's guest role reads things; the other pool with a guest role is scoped.
        ("UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK", 2, 1),
        // Dashboard's user role updates things; the app role has MQTT access to every device's
        // reserved topics. The installer pool, whose role last used AWS IoT 400 days ago, is not audited.
        ("AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK", 2, 2),
    ]

    static func manifest(account: String, region: String, exportedAt: String) -> String {
        """
        {
            "accountId": "\(account)",
            "region": "\(region)",
            "exportedAt": "\(exportedAt)",
            "unavailable": []
        }

        """
    }

    static func loggingOptions(account: String) -> String {
        """
        {
            "roleArn": "arn:aws:iam::\(account):role/service-role/FleetIoTLoggingRole",
            "logLevel": "DISABLED"
        }

        """
    }

    static func v2LoggingOptions(account: String) -> String {
        """
        {
            "roleArn": "arn:aws:iam::\(account):role/service-role/FleetIoTLoggingRole",
            "defaultLogLevel": "DISABLED",
            "disableAllLogs": false
        }

        """
    }

    static let v2LoggingLevels = """
        {
            "logTargetConfigurations": [
                {
                    "logTarget": {
                        "targetType": "DEFAULT"
                    },
                    "logLevel": "DISABLED"
                },
                {
                    "logTarget": {
                        "targetType": "THING_GROUP",
                        "targetName": "site-00"
                    },
                    "logLevel": "INFO"
                }
            ]
        }

        """

    static let checkNames = [
        "LOGGING_DISABLED_CHECK", "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK",
        "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK", "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK",
        "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK", "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
        "DEVICE_CERTIFICATE_EXPIRING_CHECK", "CA_CERTIFICATE_EXPIRING_CHECK", "DEVICE_CERTIFICATE_AGE_CHECK",
        "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK", "CA_CERTIFICATE_KEY_QUALITY_CHECK",
        "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK",
        "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK", "DEVICE_CERTIFICATE_SHARED_CHECK",
        "CONFLICTING_CLIENT_IDS_CHECK",
    ]

    /// describe-account-audit-configuration with every check enabled and the default thresholds.
    static func auditConfiguration(account: String, region: String) -> String {
        let checks = checkNames.sorted().map { name -> String in
            let configuration: String
            switch name {
            case "DEVICE_CERTIFICATE_AGE_CHECK":
                configuration =
                    ",\n            \"configuration\": {\n                \"CERT_AGE_THRESHOLD_IN_DAYS\": \"365\"\n            }"
            case "DEVICE_CERTIFICATE_EXPIRING_CHECK":
                configuration =
                    ",\n            \"configuration\": {\n                \"CERT_EXPIRATION_THRESHOLD_IN_DAYS\": \"30\"\n            }"
            default:
                configuration = ""
            }
            return "        \"\(name)\": {\n            \"enabled\": true\(configuration)\n        }"
        }
        return """
            {
                "roleArn": "arn:aws:iam::\(account):role/FleetDefenderAuditRole",
                "auditNotificationTargetConfigurations": {
                    "SNS": {
                        "targetArn": "arn:aws:sns:\(region):\(account):FleetDefenderAudit",
                        "roleArn": "arn:aws:iam::\(account):role/FleetDefenderNotificationRole",
                        "enabled": true
                    }
                },
                "auditCheckConfigurations": {
            \(checks.joined(separator: ",\n"))
                }
            }

            """
    }

    static let aliases = [
        ("FleetFirmwareRoleAlias", "FleetFirmwareRole"), ("FleetCameraRoleAlias", "FleetCameraRole"),
        ("FleetLegacyRoleAlias", "FleetLegacyRole"), ("FleetTelemetryRoleAlias", "FleetTelemetryRole"),
        ("FleetReportingRoleAlias", "FleetReportingRole"),
    ]

    static func roleAliases(account: String, region: String) -> String {
        let elements = aliases.enumerated().map { position, alias in
            """
                    {
                        "roleAlias": "\(alias.0)",
                        "roleAliasArn": "arn:aws:iot:\(region):\(account):rolealias/\(alias.0)",
                        "roleArn": "arn:aws:iam::\(account):role/\(alias.1)",
                        "owner": "\(account)",
                        "credentialDurationSeconds": 3600,
                        "creationDate": "2025-0\(position + 2)-10T09:00:00+00:00",
                        "lastModifiedDate": "2025-0\(position + 2)-10T09:00:00+00:00"
                    }
            """
        }
        return "{\n    \"roleAliasDescriptions\": [\n" + elements.joined(separator: ",\n") + "\n    ]\n}\n"
    }

    static let pools = [
        ("us-east-1:5b0e9c1a-3f27-4d1e-9a6b-2c8d7e4f1a03", "FleetAppUserRole", "FleetGuestRole"),
        ("us-east-1:9d4c2b7e-6a15-4f8e-b3c9-0e1f2a3b4c5d", "FleetDashboardUserRole", "FleetDashboardGuestRole"),
        ("us-east-1:1e2d3c4b-5a69-4788-97a6-b5c4d3e2f101", "FleetInstallerRole", nil as String?),
    ]

    static func cognitoPools(account: String) -> String {
        let elements = pools.map { pool in
            var roles = "                \"authenticated\": \"arn:aws:iam::\(account):role/\(pool.1)\""
            if let guest = pool.2 {
                roles += ",\n                \"unauthenticated\": \"arn:aws:iam::\(account):role/\(guest)\""
            }
            return
                "        {\n            \"IdentityPoolId\": \"\(pool.0)\",\n            \"Roles\": {\n\(roles)\n            }\n        }"
        }
        return "{\n    \"identityPoolRoles\": [\n" + elements.joined(separator: ",\n") + "\n    ]\n}\n"
    }

    /// A role of iam.json: its name, the service that assumes it and how, its inline policies
    /// (name, statements) and the names of the managed policies it attaches.
    typealias IAMRoleRow = (String, (String, String), [(String, String)], [String])

    /// get-account-authorization-details: the roles above (and one unrelated role), one managed policy.
    static func iam(account: String, region: String) -> String {
        let iot = "arn:aws:iot:\(region):\(account)"
        let sub = "${cognito-identity.amazonaws.com:sub}"
        let credentials = ("credentials.iot.amazonaws.com", "sts:AssumeRole")
        let cognito = ("cognito-identity.amazonaws.com", "sts:AssumeRoleWithWebIdentity")
        let roles: [IAMRoleRow] = [
            (
                "FleetFirmwareRole", credentials,
                [
                    (
                        "FirmwareDownload",
                        #"[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::fleet-firmware-\#(account)/*"}]"#
                    )
                ], []
            ),
            (
                "FleetCameraRole", credentials,
                [
                    (
                        "CameraUpload",
                        #"[{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::fleet-camera-\#(account)/${credentials-iot:ThingName}/*"}, {"Effect": "Allow", "Action": "kinesisvideo:PutMedia", "Resource": "arn:aws:kinesisvideo:\#(region):\#(account):stream/${credentials-iot:ThingName}/*"}]"#
                    )
                ], []
            ),
            (
                "FleetLegacyRole", credentials,
                [("LegacyEverything", #"[{"Effect": "Allow", "Action": "*", "Resource": "*"}]"#)], []
            ),
            (
                "FleetTelemetryRole", credentials,
                [
                    (
                        "TelemetryArchive",
                        #"[{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:\#(region):\#(account):table/FleetTelemetry"}]"#
                    )
                ], []
            ),
            ("FleetReportingRole", credentials, [], ["FleetReportingAccess"]),
            (
                "FleetAppUserRole", cognito,
                [
                    (
                        "AppDataPlane",
                        #"[{"Effect": "Allow", "Action": ["iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive"], "Resource": "*"}]"#
                    )
                ], []
            ),
            (
                "FleetGuestRole", cognito,
                [
                    (
                        "GuestScoped",
                        #"[{"Effect": "Allow", "Action": "iot:Connect", "Resource": "\#(iot):client/\#(sub)"}, {"Effect": "Allow", "Action": ["iot:Subscribe"], "Resource": "\#(iot):topicfilter/app/\#(sub)/*"}, {"Effect": "Allow", "Action": ["iot:Receive"], "Resource": "\#(iot):topic/app/\#(sub)/*"}]"#
                    )
                ], []
            ),
            (
                "FleetDashboardUserRole", cognito,
                [
                    (
                        "DashboardAdmin",
                        #"[{"Effect": "Allow", "Action": ["iot:ListThings", "iot:UpdateThing"], "Resource": "*"}]"#
                    )
                ], []
            ),
            (
                "FleetDashboardGuestRole", cognito,
                [
                    (
                        "DashboardGuest",
                        #"[{"Effect": "Allow", "Action": "iot:DescribeThing", "Resource": "\#(iot):thing/*"}]"#
                    )
                ], []
            ),
            (
                "FleetInstallerRole", cognito,
                [
                    (
                        "InstallerOwnThing",
                        #"[{"Effect": "Allow", "Action": "iot:DescribeThing", "Resource": "\#(iot):thing/\#(sub)"}]"#
                    )
                ], []
            ),
            (
                "FleetDefenderAuditRole", ("iot.amazonaws.com", "sts:AssumeRole"),
                [
                    (
                        "AuditRead",
                        #"[{"Effect": "Allow", "Action": ["iot:Describe*", "iot:List*", "iam:Get*"], "Resource": "*"}]"#
                    )
                ], []
            ),
        ]
        let roleElements = roles.enumerated().map { position, role in
            iamRoleElement(position: position, role, account: account)
        }
        return "{\n    \"UserDetailList\": [],\n    \"GroupDetailList\": [],\n    \"RoleDetailList\": [\n"
            + roleElements.joined(separator: ",\n") + "\n    ],\n    \"Policies\": [\n"
            + iamManagedPolicy(account: account)
            + "\n    ],\n    \"IsTruncated\": false\n}\n"
    }

    /// One RoleDetailList element: the role's trust policy, inline policies and attached policy ARNs.
    static func iamRoleElement(position: Int, _ role: IAMRoleRow, account: String) -> String {
        let inline = role.2.map { policy in
            "                {\n                    \"PolicyName\": \"\(policy.0)\",\n                    \"PolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": \(policy.1)}\n                }"
        }
        let attached = role.3.map { name in
            "                {\n                    \"PolicyName\": \"\(name)\",\n                    \"PolicyArn\": \"arn:aws:iam::\(account):policy/\(name)\"\n                }"
        }
        var id: [UInt8] = Array("AROA".utf8)
        Text.digits(position + 1, width: 17, into: &id)
        return """
                    {
                        "Path": "/",
                        "RoleName": "\(role.0)",
                        "RoleId": "\(String(decoding: id, as: UTF8.self))",
                        "Arn": "arn:aws:iam::\(account):role/\(role.0)",
                        "CreateDate": "2025-01-15T10:00:00Z",
                        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "\(role.1.0)"}, "Action": "\(role.1.1)"}]},
                        "InstanceProfileList": [],
                        "RolePolicyList": [\(inline.isEmpty ? "" : "\n" + inline.joined(separator: ",\n") + "\n            ")],
                        "AttachedManagedPolicies": [\(attached.isEmpty ? "" : "\n" + attached.joined(separator: ",\n") + "\n            ")],
                        "Tags": []
                    }
            """
    }

    /// The one managed policy (FleetReportingAccess): its default version allows s3:*.
    static func iamManagedPolicy(account: String) -> String {
        """
                {
                    "PolicyName": "FleetReportingAccess",
                    "PolicyId": "ANPA00000000000000001",
                    "Arn": "arn:aws:iam::\(account):policy/FleetReportingAccess",
                    "Path": "/",
                    "DefaultVersionId": "v2",
                    "AttachmentCount": 1,
                    "PermissionsBoundaryUsageCount": 0,
                    "IsAttachable": true,
                    "CreateDate": "2025-03-01T12:00:00Z",
                    "UpdateDate": "2025-09-01T12:00:00Z",
                    "PolicyVersionList": [
                        {
                            "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::fleet-reports-\(account)/*"}]},
                            "VersionId": "v1",
                            "IsDefaultVersion": false,
                            "CreateDate": "2025-03-01T12:00:00Z"
                        },
                        {
                            "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
                            "VersionId": "v2",
                            "IsDefaultVersion": true,
                            "CreateDate": "2025-09-01T12:00:00Z"
                        }
                    ]
                }
        """
    }

    /// generate-/get-service-last-accessed-details for the aliased roles and the Cognito pools'
    /// roles. `recent` and `old` are ISO times 2 days and 400 days before the export.
    static func serviceLastAccessed(account: String, region: String, recent: String, old: String) -> String {
        let used: [(String, [(String, String?)])] = [
            ("FleetFirmwareRole", [("s3", recent)]),
            ("FleetCameraRole", [("s3", recent), ("kinesisvideo", recent)]),
            ("FleetLegacyRole", [("iot", recent), ("s3", old)]),
            ("FleetTelemetryRole", [("dynamodb", old)]),
            ("FleetReportingRole", [("s3", recent), ("athena", nil)]),
            ("FleetAppUserRole", [("iot", recent)]),
            ("FleetGuestRole", [("iot", recent)]),
            ("FleetDashboardUserRole", [("iot", recent)]),
            ("FleetDashboardGuestRole", [("iot", nil)]),
            ("FleetInstallerRole", [("iot", old)]),
        ]
        let elements = used.map { role, services -> String in
            let entries = services.map { service, last -> String in
                var text =
                    "                {\n                    \"ServiceName\": \"\(service)\",\n                    \"ServiceNamespace\": \"\(service)\",\n                    \"TotalAuthenticatedEntities\": \(last == nil ? 0 : 1)"
                if let last {
                    text +=
                        ",\n                    \"LastAuthenticated\": \"\(last)\",\n                    \"LastAuthenticatedRegion\": \"\(region)\""
                }
                return text + "\n                }"
            }
            return
                "        {\n            \"roleArn\": \"arn:aws:iam::\(account):role/\(role)\",\n            \"JobStatus\": \"COMPLETED\",\n            \"ServicesLastAccessed\": [\n"
                + entries.joined(separator: ",\n") + "\n            ]\n        }"
        }
        return "{\n    \"roles\": [\n" + elements.joined(separator: ",\n") + "\n    ]\n}\n"
    }

    /// describe-thing-group outputs: a parent group, one group per site, and a dynamic group.
    static func thingGroups(account: String, region: String, sites: Int) -> String {
        let arn = "arn:aws:iot:\(region):\(account):thinggroup"
        var elements = [
            "        {\n            \"thingGroupName\": \"Fleet\",\n            \"thingGroupId\": \"00000000-0000-4000-8000-000000000000\",\n            \"thingGroupArn\": \"\(arn)/Fleet\",\n            \"version\": 1,\n            \"thingGroupProperties\": {\n                \"thingGroupDescription\": \"Every device\"\n            },\n            \"thingGroupMetadata\": {\n                \"creationDate\": \"2025-01-10T08:00:00+00:00\"\n            }\n        }"
        ]
        for site in 0..<sites {
            var name: [UInt8] = Array("site-".utf8)
            Text.digits(site, width: 2, into: &name)
            let group = String(decoding: name, as: UTF8.self)
            var id: [UInt8] = Array("00000000-0000-4000-8000-".utf8)
            Text.digits(site + 1, width: 12, into: &id)
            elements.append(
                "        {\n            \"thingGroupName\": \"\(group)\",\n            \"thingGroupId\": \"\(String(decoding: id, as: UTF8.self))\",\n            \"thingGroupArn\": \"\(arn)/\(group)\",\n            \"version\": 1,\n            \"thingGroupProperties\": {\n                \"thingGroupDescription\": \"Devices of \(group)\"\n            },\n            \"thingGroupMetadata\": {\n                \"parentGroupName\": \"Fleet\",\n                \"rootToParentThingGroups\": [\n                    {\n                        \"groupName\": \"Fleet\",\n                        \"groupArn\": \"\(arn)/Fleet\"\n                    }\n                ],\n                \"creationDate\": \"2025-01-10T08:05:00+00:00\"\n            }\n        }"
            )
        }
        elements.append(
            "        {\n            \"thingGroupName\": \"OldFirmware\",\n            \"thingGroupId\": \"00000000-0000-4000-8000-100000000000\",\n            \"thingGroupArn\": \"\(arn)/OldFirmware\",\n            \"version\": 1,\n            \"thingGroupProperties\": {\n                \"thingGroupDescription\": \"Devices still on firmware 1.x\"\n            },\n            \"indexName\": \"AWS_Things\",\n            \"queryString\": \"attributes.firmware:1.*\",\n            \"queryVersion\": \"2017-09-30\",\n            \"status\": \"ACTIVE\",\n            \"thingGroupMetadata\": {\n                \"creationDate\": \"2025-06-01T08:00:00+00:00\"\n            }\n        }"
        )
        return "{\n    \"thingGroups\": [\n" + elements.joined(separator: ",\n") + "\n    ]\n}\n"
    }
}
