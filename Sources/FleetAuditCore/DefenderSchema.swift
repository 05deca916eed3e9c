import FleetAuditBase
import FleetAuditJSON

// The Device Defender audit output shapes (botocore IoT model: AuditFinding,
// NonCompliantResource, ResourceIdentifier, AuditCheckDetails, TaskStatistics),
// with the exact member names and enum strings, so scripts written for
// `aws iot describe-audit-task` / `list-audit-findings` read ours unchanged.

/// `AuditFindingSeverity`.
public enum Severity: String, Sendable, Hashable, CaseIterable {
    case critical = "CRITICAL"
    case high = "HIGH"
    case medium = "MEDIUM"
    case low = "LOW"
}

/// `ResourceType` of a non-compliant or related resource.
public enum ResourceType: String, Sendable, Hashable, CaseIterable {
    case deviceCertificate = "DEVICE_CERTIFICATE"
    case caCertificate = "CA_CERTIFICATE"
    case iotPolicy = "IOT_POLICY"
    case cognitoIdentityPool = "COGNITO_IDENTITY_POOL"
    case clientId = "CLIENT_ID"
    case accountSettings = "ACCOUNT_SETTINGS"
    case roleAlias = "ROLE_ALIAS"
    case iamRole = "IAM_ROLE"
    case issuerCertificate = "ISSUER_CERTIFICATE"
}

/// `AuditCheckRunStatus`.
public enum CheckRunStatus: String, Sendable, Hashable {
    case inProgress = "IN_PROGRESS"
    case waitingForDataCollection = "WAITING_FOR_DATA_COLLECTION"
    case canceled = "CANCELED"
    case completedCompliant = "COMPLETED_COMPLIANT"
    case completedNonCompliant = "COMPLETED_NON_COMPLIANT"
    case failed = "FAILED"
}

/// `ResourceIdentifier`: exactly the member(s) the check's resource type uses.
public enum ResourceIdentifier: Sendable, Hashable {
    case deviceCertificateId(String)
    case caCertificateId(String)
    case cognitoIdentityPoolId(String)
    case clientId(String)
    case policyVersion(policyName: String, policyVersionId: String)
    case account(String)
    case iamRoleArn(String)
    case roleAliasArn(String)
    case issuerCertificate(subject: String, issuerId: String, serialNumber: String)
    case deviceCertificateArn(String)

    public var json: JSONValue {
        switch self {
        case .deviceCertificateId(let id): return ["deviceCertificateId": .string(id)]
        case .caCertificateId(let id): return ["caCertificateId": .string(id)]
        case .cognitoIdentityPoolId(let id): return ["cognitoIdentityPoolId": .string(id)]
        case .clientId(let id): return ["clientId": .string(id)]
        case .policyVersion(let name, let version):
            return ["policyVersionIdentifier": ["policyName": .string(name), "policyVersionId": .string(version)]]
        case .account(let account): return ["account": .string(account)]
        case .iamRoleArn(let arn): return ["iamRoleArn": .string(arn)]
        case .roleAliasArn(let arn): return ["roleAliasArn": .string(arn)]
        case .issuerCertificate(let subject, let issuerId, let serial):
            return [
                "issuerCertificateIdentifier": [
                    "issuerCertificateSubject": .string(subject), "issuerId": .string(issuerId),
                    "issuerCertificateSerialNumber": .string(serial),
                ]
            ]
        case .deviceCertificateArn(let arn): return ["deviceCertificateArn": .string(arn)]
        }
    }

    /// The member names of the API's `ResourceIdentifier`, in the model's order.
    public static let memberNames = [
        "deviceCertificateId", "caCertificateId", "cognitoIdentityPoolId", "clientId", "policyVersionIdentifier",
        "account", "iamRoleArn", "roleAliasArn", "issuerCertificateIdentifier", "deviceCertificateArn",
    ]

    /// An identifier read back from JSON: exactly one member, of the right type;
    /// nil for anything else (several members, an unknown one, a wrong type).
    public init?(json: JSONValue) {
        guard let object = json.objectValue, object.members.count == 1, let member = object.members.first else {
            return nil
        }
        if let text = member.value.stringValue {
            switch member.key {
            case "deviceCertificateId": self = .deviceCertificateId(text)
            case "caCertificateId": self = .caCertificateId(text)
            case "cognitoIdentityPoolId": self = .cognitoIdentityPoolId(text)
            case "clientId": self = .clientId(text)
            case "account": self = .account(text)
            case "iamRoleArn": self = .iamRoleArn(text)
            case "roleAliasArn": self = .roleAliasArn(text)
            case "deviceCertificateArn": self = .deviceCertificateArn(text)
            default: return nil
            }
            return
        }
        let inner = member.value
        switch member.key {
        case "policyVersionIdentifier":
            guard let name = inner["policyName"]?.stringValue, let version = inner["policyVersionId"]?.stringValue
            else { return nil }
            self = .policyVersion(policyName: name, policyVersionId: version)
        case "issuerCertificateIdentifier":
            guard let subject = inner["issuerCertificateSubject"]?.stringValue,
                let issuerId = inner["issuerId"]?.stringValue,
                let serial = inner["issuerCertificateSerialNumber"]?.stringValue
            else { return nil }
            self = .issuerCertificate(subject: subject, issuerId: issuerId, serialNumber: serial)
        default: return nil
        }
    }
}

extension ResourceIdentifier {
    /// A short human form: `account 123456789012`, `policy P version 1`, ...
    public var displayText: String {
        switch self {
        case .deviceCertificateId(let id): return "certificate \(id)"
        case .caCertificateId(let id): return "CA certificate \(id)"
        case .cognitoIdentityPoolId(let id): return "identity pool \(id)"
        case .clientId(let id): return "client \(id)"
        case .policyVersion(let name, let version): return "policy \(name) version \(version)"
        case .account(let account): return "account \(account)"
        case .iamRoleArn(let arn): return "role \(arn)"
        case .roleAliasArn(let arn): return "role alias \(arn)"
        case .issuerCertificate(let subject, _, let serial): return "issuer \(subject) serial \(serial)"
        case .deviceCertificateArn(let arn): return "certificate \(arn)"
        }
    }
}

/// `NonCompliantResource` / `RelatedResource`.
public struct AuditResource: Sendable, Hashable {
    public var resourceType: ResourceType
    public var resourceIdentifier: ResourceIdentifier
    public var additionalInfo: [(String, String)]

    public init(_ resourceType: ResourceType, _ identifier: ResourceIdentifier, additionalInfo: [(String, String)] = [])
    {
        self.resourceType = resourceType
        self.resourceIdentifier = identifier
        self.additionalInfo = additionalInfo
    }

    public static func == (lhs: AuditResource, rhs: AuditResource) -> Bool {
        lhs.resourceType == rhs.resourceType && lhs.resourceIdentifier == rhs.resourceIdentifier
            && lhs.additionalInfo.elementsEqual(rhs.additionalInfo, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(resourceType)
        hasher.combine(resourceIdentifier)
        for (key, value) in additionalInfo {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    public var json: JSONValue {
        var object = JSONObject([
            ("resourceType", .string(resourceType.rawValue)), ("resourceIdentifier", resourceIdentifier.json),
        ])
        if !additionalInfo.isEmpty {
            object["additionalInfo"] = .object(JSONObject(additionalInfo.map { ($0.0, JSONValue.string($0.1)) }))
        }
        return .object(object)
    }
}

/// What a check reports for one non-compliant resource and one reason code,
/// before the executor stamps it with task, time and ID.
public struct FindingDraft: Sendable, Hashable {
    public var resource: AuditResource
    public var relatedResources: [AuditResource]
    public var reasonCode: String
    public var reason: String

    public init(resource: AuditResource, relatedResources: [AuditResource] = [], reasonCode: String, reason: String) {
        self.resource = resource
        self.relatedResources = relatedResources
        self.reasonCode = reasonCode
        self.reason = reason
    }
}

/// `AuditFinding`, as `list-audit-findings` prints it.
public struct AuditFinding: Sendable, Hashable {
    public var findingId: String
    public var taskId: String
    public var checkName: String
    public var taskStartTime: AuditTime
    public var findingTime: AuditTime
    public var severity: Severity
    public var nonCompliantResource: AuditResource
    public var relatedResources: [AuditResource]
    public var reasonForNonCompliance: String
    public var reasonForNonComplianceCode: String
    public var isSuppressed: Bool

    public init(
        findingId: String, taskId: String, checkName: String, taskStartTime: AuditTime, findingTime: AuditTime,
        severity: Severity, nonCompliantResource: AuditResource, relatedResources: [AuditResource],
        reasonForNonCompliance: String, reasonForNonComplianceCode: String, isSuppressed: Bool
    ) {
        self.findingId = findingId
        self.taskId = taskId
        self.checkName = checkName
        self.taskStartTime = taskStartTime
        self.findingTime = findingTime
        self.severity = severity
        self.nonCompliantResource = nonCompliantResource
        self.relatedResources = relatedResources
        self.reasonForNonCompliance = reasonForNonCompliance
        self.reasonForNonComplianceCode = reasonForNonComplianceCode
        self.isSuppressed = isSuppressed
    }

    /// Member order follows the AWS CLI's `list-audit-findings` output.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("findingId", .string(findingId)),
                ("taskId", .string(taskId)),
                ("checkName", .string(checkName)),
                ("taskStartTime", .string(taskStartTime.iso8601)),
                ("findingTime", .string(findingTime.iso8601)),
                ("severity", .string(severity.rawValue)),
                ("nonCompliantResource", nonCompliantResource.json),
                ("relatedResources", .array(relatedResources.map(\.json))),
                ("reasonForNonCompliance", .string(reasonForNonCompliance)),
                ("reasonForNonComplianceCode", .string(reasonForNonComplianceCode)),
                ("isSuppressed", .bool(isSuppressed)),
            ]))
    }
}

/// `AuditCheckDetails` of one check in `describe-audit-task`.
public struct AuditCheckDetails: Sendable, Hashable {
    public var checkRunStatus: CheckRunStatus
    public var checkCompliant: Bool
    public var totalResourcesCount: Int64
    public var nonCompliantResourcesCount: Int64
    public var suppressedNonCompliantResourcesCount: Int64
    /// Why a check FAILED, or which resources could not be evaluated.
    public var message: String?
    /// Why a check FAILED, as a code: `AUDIT_CHECK_DISABLED` when it was asked
    /// for by name but the account audit configuration does not enable it.
    public var errorCode: String? = nil

    public static let auditCheckDisabled = "AUDIT_CHECK_DISABLED"

    public var json: JSONValue {
        var object = JSONObject([
            ("checkRunStatus", .string(checkRunStatus.rawValue)),
            ("checkCompliant", .bool(checkCompliant)),
            ("totalResourcesCount", .integer(totalResourcesCount)),
            ("nonCompliantResourcesCount", .integer(nonCompliantResourcesCount)),
        ])
        // The CLI examples omit the suppressed count when there is none.
        if suppressedNonCompliantResourcesCount > 0 {
            object["suppressedNonCompliantResourcesCount"] = .integer(suppressedNonCompliantResourcesCount)
        }
        if let errorCode { object["errorCode"] = .string(errorCode) }
        if let message { object["message"] = .string(Self.apiMessage(message)) }
        return .object(object)
    }

    /// The API caps `message` at 2048 characters; the full text goes to stderr.
    static func apiMessage(_ message: String) -> String {
        guard message.count > 2048 else { return message }
        return String(message.prefix(2045)) + "..."
    }
}

/// `describe-audit-task` plus `taskId`.
public struct AuditTaskDescription: Sendable, Hashable {
    public var taskId: String
    public var taskStartTime: AuditTime
    /// Check name → details, in registry order.
    public var auditDetails: [(String, AuditCheckDetails)]
    /// `audit --scheduled-audit-name`: the task is a run of that scheduled audit.
    public var scheduledAuditName: String? = nil

    /// `ON_DEMAND_AUDIT_TASK`, or `SCHEDULED_AUDIT_TASK` for a scheduled audit's run.
    public var taskType: String { scheduledAuditName == nil ? "ON_DEMAND_AUDIT_TASK" : "SCHEDULED_AUDIT_TASK" }

    public static func == (lhs: AuditTaskDescription, rhs: AuditTaskDescription) -> Bool {
        lhs.taskId == rhs.taskId && lhs.taskStartTime == rhs.taskStartTime
            && lhs.scheduledAuditName == rhs.scheduledAuditName
            && lhs.auditDetails.elementsEqual(rhs.auditDetails, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(taskId)
        for (name, _) in auditDetails { hasher.combine(name) }
    }

    public var compliantChecks: Int { auditDetails.filter { $0.1.checkRunStatus == .completedCompliant }.count }
    public var nonCompliantChecks: Int {
        auditDetails.filter { $0.1.checkRunStatus == .completedNonCompliant }.count
    }
    public var failedChecks: Int { auditDetails.filter { $0.1.checkRunStatus == .failed }.count }

    /// Member order follows botocore's `DescribeAuditTaskResponse`.
    public var json: JSONValue {
        var object = JSONObject([
            ("taskId", .string(taskId)),
            // A failed check does not fail the task: the task itself ran to the end.
            ("taskStatus", .string("COMPLETED")),
            ("taskType", .string(taskType)),
            ("taskStartTime", .string(taskStartTime.iso8601)),
            (
                "taskStatistics",
                [
                    "totalChecks": .integer(Int64(auditDetails.count)),
                    "inProgressChecks": 0,
                    "waitingForDataCollectionChecks": 0,
                    "compliantChecks": .integer(Int64(compliantChecks)),
                    "nonCompliantChecks": .integer(Int64(nonCompliantChecks)),
                    "failedChecks": .integer(Int64(failedChecks)),
                    "canceledChecks": 0,
                ]
            ),
        ])
        if let scheduledAuditName { object["scheduledAuditName"] = .string(scheduledAuditName) }
        object["auditDetails"] = .object(JSONObject(auditDetails.map { ($0.0, $0.1.json) }))
        return .object(object)
    }
}
