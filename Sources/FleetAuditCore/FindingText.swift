import FleetAuditJSON

/// Writes findings as text straight into the output stream, without building
/// a `JSONValue` tree per finding. The bytes equal
/// `JSONWriter.pretty(finding.json, level:)` (a test holds them to it).
public enum FindingText {
    /// `auditTimeText`: `taskStartTime.iso8601`, when the caller has it already
    /// (every finding of a task has the same times).
    public static func pretty(_ finding: AuditFinding, level: Int, auditTimeText: String? = nil) -> String {
        let startText =
            auditTimeText.flatMap { finding.taskStartTime == finding.findingTime ? $0 : nil }
            ?? finding.taskStartTime.iso8601
        let findingText = finding.taskStartTime == finding.findingTime ? startText : finding.findingTime.iso8601
        var output = ""
        output.reserveCapacity(640 + finding.relatedResources.count * 200)
        var object = ObjectText(level: level)
        object.string("findingId", finding.findingId, into: &output)
        object.string("taskId", finding.taskId, into: &output)
        object.string("checkName", finding.checkName, into: &output)
        object.string("taskStartTime", startText, into: &output)
        object.string("findingTime", findingText, into: &output)
        object.string("severity", finding.severity.rawValue, into: &output)
        object.key("nonCompliantResource", into: &output)
        resource(finding.nonCompliantResource, level: level + 1, into: &output)
        object.key("relatedResources", into: &output)
        if finding.relatedResources.isEmpty {
            output.append("[]")
        } else {
            output.append("[")
            for (position, related) in finding.relatedResources.enumerated() {
                output.append(position > 0 ? "," : "")
                newline(level + 2, into: &output)
                resource(related, level: level + 2, into: &output)
            }
            newline(level + 1, into: &output)
            output.append("]")
        }
        object.string("reasonForNonCompliance", finding.reasonForNonCompliance, into: &output)
        object.string("reasonForNonComplianceCode", finding.reasonForNonComplianceCode, into: &output)
        object.key("isSuppressed", into: &output)
        output.append(finding.isSuppressed ? "true" : "false")
        object.close(into: &output)
        return output
    }

    private static func resource(_ resource: AuditResource, level: Int, into output: inout String) {
        var object = ObjectText(level: level)
        object.string("resourceType", resource.resourceType.rawValue, into: &output)
        object.key("resourceIdentifier", into: &output)
        identifier(resource.resourceIdentifier, level: level + 1, into: &output)
        if !resource.additionalInfo.isEmpty {
            object.key("additionalInfo", into: &output)
            var info = ObjectText(level: level + 1)
            for (key, value) in resource.additionalInfo { info.string(key, value, into: &output) }
            info.close(into: &output)
        }
        object.close(into: &output)
    }

    private static func identifier(_ identifier: ResourceIdentifier, level: Int, into output: inout String) {
        var object = ObjectText(level: level)
        switch identifier {
        case .deviceCertificateId(let id): object.string("deviceCertificateId", id, into: &output)
        case .caCertificateId(let id): object.string("caCertificateId", id, into: &output)
        case .cognitoIdentityPoolId(let id): object.string("cognitoIdentityPoolId", id, into: &output)
        case .clientId(let id): object.string("clientId", id, into: &output)
        case .account(let account): object.string("account", account, into: &output)
        case .iamRoleArn(let arn): object.string("iamRoleArn", arn, into: &output)
        case .roleAliasArn(let arn): object.string("roleAliasArn", arn, into: &output)
        case .deviceCertificateArn(let arn): object.string("deviceCertificateArn", arn, into: &output)
        case .policyVersion(let name, let version):
            object.key("policyVersionIdentifier", into: &output)
            var inner = ObjectText(level: level + 1)
            inner.string("policyName", name, into: &output)
            inner.string("policyVersionId", version, into: &output)
            inner.close(into: &output)
        case .issuerCertificate(let subject, let issuerId, let serial):
            object.key("issuerCertificateIdentifier", into: &output)
            var inner = ObjectText(level: level + 1)
            inner.string("issuerCertificateSubject", subject, into: &output)
            inner.string("issuerId", issuerId, into: &output)
            inner.string("issuerCertificateSerialNumber", serial, into: &output)
            inner.close(into: &output)
        }
        object.close(into: &output)
    }

    static func newline(_ level: Int, into output: inout String) {
        output.append("\n")
        for _ in 0..<level { output.append("    ") }
    }

    /// An object being written: `{`, members separated by commas, `}`.
    struct ObjectText {
        let level: Int
        var members = 0

        init(level: Int) { self.level = level }

        mutating func key(_ key: String, into output: inout String) {
            output.append(members == 0 ? "{" : ",")
            members += 1
            FindingText.newline(level + 1, into: &output)
            JSONWriter.writeString(key, into: &output)
            output.append(": ")
        }

        mutating func string(_ key: String, _ value: String, into output: inout String) {
            self.key(key, into: &output)
            JSONWriter.writeString(value, into: &output)
        }

        func close(into output: inout String) {
            if members == 0 { return output.append("{}") }
            FindingText.newline(level, into: &output)
            output.append("}")
        }
    }
}
