import FleetAuditJSON

/// Writes findings as text straight into the output stream, without building
/// a `JSONValue` tree per finding. The bytes equal
/// `JSONWriter.pretty(finding.json, level:)` (a test holds them to it).
///
/// It writes UTF-8 bytes, not a `String`: a finding is some thirty small pieces, and
/// appending each to a `String` cost more than everything else about the finding
/// (docs/benchmarks.md, "Third round").
public enum FindingText {
    /// `auditTimeText`: `taskStartTime.iso8601`, when the caller has it already
    /// (every finding of a task has the same times).
    public static func pretty(_ finding: AuditFinding, level: Int, auditTimeText: String? = nil) -> String {
        var bytes: [UInt8] = []
        pretty(finding, level: level, auditTimeText: auditTimeText, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same, appended to `output`.
    public static func pretty(
        _ finding: AuditFinding, level: Int, auditTimeText: String? = nil, into output: inout [UInt8]
    ) {
        let startText =
            auditTimeText.flatMap { finding.taskStartTime == finding.findingTime ? $0 : nil }
            ?? finding.taskStartTime.iso8601
        let findingText = finding.taskStartTime == finding.findingTime ? startText : finding.findingTime.iso8601
        output.reserveCapacity(output.count + 640 + finding.relatedResources.count * 200)
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
            append("[]", to: &output)
        } else {
            output.append(UInt8(ascii: "["))
            for (position, related) in finding.relatedResources.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 2, into: &output)
                resource(related, level: level + 2, into: &output)
            }
            newline(level + 1, into: &output)
            output.append(UInt8(ascii: "]"))
        }
        object.string("reasonForNonCompliance", finding.reasonForNonCompliance, into: &output)
        object.string("reasonForNonComplianceCode", finding.reasonForNonComplianceCode, into: &output)
        object.key("isSuppressed", into: &output)
        append(finding.isSuppressed ? "true" : "false", to: &output)
        object.close(into: &output)
    }

    private static func resource(_ resource: AuditResource, level: Int, into output: inout [UInt8]) {
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

    private static func identifier(_ identifier: ResourceIdentifier, level: Int, into output: inout [UInt8]) {
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

    static func newline(_ level: Int, into output: inout [UInt8]) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 4 * level))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func append(_ text: StaticString, to output: inout [UInt8]) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    /// A JSON string as `JSONWriter.writeString` writes it: `"`, `\`, and the control
    /// characters escaped, everything else as it is.
    static func string(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (position, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22: output.append(UInt8(ascii: "\""))
                case 0x5C: output.append(UInt8(ascii: "\\"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    output.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30])
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 15)])
                }
                runStart = position + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// An object being written: `{`, members separated by commas, `}`.
    struct ObjectText {
        let level: Int
        var members = 0

        init(level: Int) { self.level = level }

        mutating func key(_ key: String, into output: inout [UInt8]) {
            output.append(members == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            members += 1
            FindingText.newline(level + 1, into: &output)
            FindingText.string(key, into: &output)
            output.append(UInt8(ascii: ":"))
            output.append(UInt8(ascii: " "))
        }

        mutating func string(_ key: String, _ value: String, into output: inout [UInt8]) {
            self.key(key, into: &output)
            FindingText.string(value, into: &output)
        }

        func close(into output: inout [UInt8]) {
            if members == 0 { return FindingText.append("{}", to: &output) }
            FindingText.newline(level, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }
}
