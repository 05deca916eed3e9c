import FleetAuditCore
import FleetAuditJSON

/// One certificate of `CertificateFixtures`, with what the examples need to
/// describe it the way `describe-certificate` does.
package struct CertificateFixture: Sendable {
    /// SHA-256 of the DER, lowercase hex (AWS IoT's certificate id).
    package var id: String
    package var serialHex: String
    /// ISO 8601 UTC.
    package var notBefore: String
    package var notAfter: String
    /// How the audit names its key (`RSA-2048`, `EC P-256`).
    package var keyDescription: String
    package var pem: String

    package static let account = "123456789012"
    package static let region = "us-east-1"

    package var arn: String { "arn:aws:iot:\(Self.region):\(Self.account):cert/\(id)" }
    package var caArn: String { "arn:aws:iot:\(Self.region):\(Self.account):cacert/\(id)" }

    /// A `certificateDescription` of `describe-certificate` for this certificate.
    package func device(
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
    package func ca(status: String = "ACTIVE", created: String = "2025-01-02T00:00:00Z") -> JSONValue {
        [
            "certificateArn": .string(caArn), "certificateId": .string(id), "status": .string(status),
            "certificatePem": .string(pem), "ownedBy": .string(Self.account), "creationDate": .string(created),
            "autoRegistrationStatus": "DISABLE", "lastModifiedDate": .string(created),
            "validity": ["notBefore": .string(notBefore), "notAfter": .string(notAfter)],
            "certificateMode": "DEFAULT",
        ]
    }

    /// `{"certificateDescriptions": [...]}`, the form of `certificates.json` and `ca-certificates.json`.
    package static func file(_ descriptions: [JSONValue]) -> String {
        JSONWriter.pretty(["certificateDescriptions": .array(descriptions)])
    }

    /// A manifest whose audit clock (`exportedAt`) is `time`.
    package static func manifest(exportedAt time: String) -> String {
        ExampleManifest.text(exportedAt: time)
    }
}
