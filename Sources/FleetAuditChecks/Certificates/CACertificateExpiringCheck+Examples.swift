import FleetAuditCore
import FleetAuditJSON

extension CACertificateExpiringCheck {
    typealias Fixtures = CertificateFixtures

    static func cas(_ descriptions: JSONValue...) -> String { CertificateFixture.file(descriptions) }
    static func at(_ time: String) -> String { CertificateFixture.manifest(exportedAt: time) }

    static let examples: [CheckExample] = [
        CheckExample(
            "the root CA is valid until 2040",
            files: ["ca-certificates.json": cas(Fixtures.rootCA.ca(), Fixtures.intermediateCA.ca())],
            expect: .compliant),
        CheckExample(
            "exactly 30 days before the CA's notAfter: approaching",
            files: ["manifest.json": at("2039-12-02T00:00:00Z"), "ca-certificates.json": cas(Fixtures.rootCA.ca())],
            expect: .nonCompliant([
                ExpectedFinding(CertificateExpiry.approaching, .caCertificateId(Fixtures.rootCA.id))
            ])),
        CheckExample(
            "30 days and one second before: compliant",
            files: ["manifest.json": at("2039-12-01T23:59:59Z"), "ca-certificates.json": cas(Fixtures.rootCA.ca())],
            expect: .compliant),
        CheckExample(
            "one second after notAfter: past expiration",
            files: ["manifest.json": at("2040-01-01T00:00:01Z"), "ca-certificates.json": cas(Fixtures.rootCA.ca())],
            expect: .nonCompliant([ExpectedFinding(CertificateExpiry.past, .caCertificateId(Fixtures.rootCA.id))])),
        CheckExample(
            "an INACTIVE CA is out of scope; the 30 days are fixed whatever audit-configuration.json says",
            files: [
                "manifest.json": at("2040-01-01T00:00:01Z"),
                "audit-configuration.json": #"""
                {"auditCheckConfigurations": {"CA_CERTIFICATE_EXPIRING_CHECK": {"enabled": true,
                    "configuration": {"CERT_EXPIRATION_THRESHOLD_IN_DAYS": "3000"}}}}
                """#,
                "ca-certificates.json": cas(Fixtures.rootCA.ca(status: "INACTIVE")),
            ],
            expect: .compliant),
        CheckExample(
            "a CA whose certificateId is not its SHA-256 is not evaluable",
            files: [
                "manifest.json": at("2040-01-01T00:00:01Z"),
                "ca-certificates.json": #"{"certificateDescriptions": [{"certificateId": "0000", "status": "ACTIVE", "#
                    + #""certificatePem": \#(JSONWriter.compact(.string(Fixtures.rootCA.pem)))}]}"#,
            ],
            expect: .failed(
                message:
                    "none of the resources could be evaluated: 1 of 1 resources not evaluable: ca-certificates.json: element 0 (byte 29): certificateId 0000 "
                    + "disagrees with the certificate: the SHA-256 of its DER is \(Fixtures.rootCA.id)")),
    ]
}
