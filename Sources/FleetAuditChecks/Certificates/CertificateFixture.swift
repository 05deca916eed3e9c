import FleetAuditCore
import FleetAuditJSON

/// One certificate of `CertificateFixtures`, with what the examples need to
/// describe it the way `describe-certificate` does.
public struct CertificateFixture: Sendable {
    /// SHA-256 of the DER, lowercase hex (AWS IoT's certificate id).
    public var id: String
    public var serialHex: String
    /// ISO 8601 UTC.
    public var notBefore: String
    public var notAfter: String
    /// How the audit names its key (`RSA-2048`, `EC P-256`).
    public var keyDescription: String
    public var pem: String

    public static let account = "123456789012"
    public static let region = "us-east-1"

    public var arn: String { "arn:aws:iot:\(Self.region):\(Self.account):cert/\(id)" }
    public var caArn: String { "arn:aws:iot:\(Self.region):\(Self.account):cacert/\(id)" }

    /// A `certificateDescription` of `describe-certificate` for this certificate.
    public func device(
        status: String = "ACTIVE", created: String = "2026-01-02T00:00:00Z", caCertificate: CertificateFixture? = nil,
        id: String? = nil, notAfter: String? = nil
    ) -> JSONValue {
        var object = JSONObject([
            ("certificateArn", .string(arn)), ("certificateId", .string(id ?? self.id)),
        ])
        if let caCertificate { object["caCertificateId"] = .string(caCertificate.id) }
        object["status"] = .string(status)
        object["certificatePem"] = .string(pem)
        object["ownedBy"] = .string(Self.account)
        object["creationDate"] = .string(created)
        object["lastModifiedDate"] = .string(created)
        object["validity"] = ["notBefore": .string(notBefore), "notAfter": .string(notAfter ?? self.notAfter)]
        object["certificateMode"] = "DEFAULT"
        return .object(object)
    }

    /// A `certificateDescription` of `describe-ca-certificate` for this certificate.
    public func ca(status: String = "ACTIVE", created: String = "2025-01-02T00:00:00Z") -> JSONValue {
        [
            "certificateArn": .string(caArn), "certificateId": .string(id), "status": .string(status),
            "certificatePem": .string(pem), "ownedBy": .string(Self.account), "creationDate": .string(created),
            "autoRegistrationStatus": "DISABLE", "lastModifiedDate": .string(created),
            "validity": ["notBefore": .string(notBefore), "notAfter": .string(notAfter)],
            "certificateMode": "DEFAULT",
        ]
    }

    /// `{"certificateDescriptions": [...]}`, the form of `certificates.json` and `ca-certificates.json`.
    public static func file(_ descriptions: [JSONValue]) -> String {
        JSONWriter.pretty(["certificateDescriptions": .array(descriptions)])
    }

    /// A manifest whose audit clock (`exportedAt`) is `time`.
    public static func manifest(exportedAt time: String) -> String {
        ExampleManifest.text(exportedAt: time)
    }
}
