import FleetAuditCore
import FleetAuditJSON

/// The certificates a finding names.
enum FindingCertificates {
    /// Device certificate ids: the non-compliant resource's `deviceCertificateId`,
    /// or, for INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK, the
    /// related resources' `deviceCertificateArn`s.
    static func deviceCertificateIds(_ finding: AuditedFinding) -> [String] {
        if let id = finding.nonCompliantResource?["resourceIdentifier"]?["deviceCertificateId"]?.stringValue {
            return [id]
        }
        var ids: [String] = []
        for related in finding.relatedResources {
            if let arn = related["resourceIdentifier"]?["deviceCertificateArn"]?.stringValue,
                let slash = arn.lastIndex(of: "/"), arn[..<slash].hasSuffix(":cert")
            {
                ids.append(String(arn[arn.index(after: slash)...]))
            }
        }
        return ids
    }

    /// The failed execution of an action given a finding without device certificates.
    static func namesNoDeviceCertificate(_ finding: AuditedFinding) -> ExecutionResult {
        .failed(
            errorCode: "InvalidRequestException", message: "finding \(finding.findingId) names no device certificate")
    }

    static func caCertificateId(_ finding: AuditedFinding) -> String? {
        finding.nonCompliantResource?["resourceIdentifier"]?["caCertificateId"]?.stringValue
    }
}
