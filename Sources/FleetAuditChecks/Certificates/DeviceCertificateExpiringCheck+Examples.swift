import FleetAuditCore
import FleetAuditJSON

extension DeviceCertificateExpiringCheck {
    typealias Fixtures = CertificateFixtures

    static func certificates(_ descriptions: JSONValue...) -> String { CertificateFixture.file(descriptions) }

    static func approaching(_ fixture: CertificateFixture) -> ExpectedFinding {
        ExpectedFinding(CertificateExpiry.approaching, .deviceCertificateId(fixture.id))
    }

    static func past(_ fixture: CertificateFixture) -> ExpectedFinding {
        ExpectedFinding(CertificateExpiry.past, .deviceCertificateId(fixture.id))
    }

    static let dayThreshold = DayThresholdExamples(
        checkName: "DEVICE_CERTIFICATE_EXPIRING_CHECK", key: "CERT_EXPIRATION_THRESHOLD_IN_DAYS")
    static func threshold(_ value: String) -> String { dayThreshold.configuration(value) }

    /// `expiring` ends 2026-12-10T00:00:00Z; the audit clock is set around it.
    static func at(_ time: String) -> String { CertificateFixture.manifest(exportedAt: time) }

    static let examples: [CheckExample] =
        [
            CheckExample(
                "one expired, one expiring in 13 days, one valid for another year (audit 2026-11-26)",
                files: [
                    "certificates.json": certificates(
                        Fixtures.expired.device(), Fixtures.expiring.device(), Fixtures.ecP256.device())
                ],
                expect: .nonCompliant([past(Fixtures.expired), approaching(Fixtures.expiring)])),
            CheckExample(
                "every certificate valid beyond 30 days",
                files: ["certificates.json": certificates(Fixtures.rsa2048.device(), Fixtures.ecP384.device())],
                expect: .compliant),
            CheckExample(
                "exactly 30 days before notAfter: approaching",
                files: [
                    "manifest.json": at("2026-11-10T00:00:00Z"),
                    "certificates.json": certificates(Fixtures.expiring.device()),
                ],
                expect: .nonCompliant([approaching(Fixtures.expiring)])),
            CheckExample(
                "30 days and one second before notAfter: compliant",
                files: [
                    "manifest.json": at("2026-11-09T23:59:59Z"),
                    "certificates.json": certificates(Fixtures.expiring.device()),
                ],
                expect: .compliant),
            CheckExample(
                "at the notAfter second itself the certificate is still valid: approaching",
                files: [
                    "manifest.json": at("2026-12-10T00:00:00Z"),
                    "certificates.json": certificates(Fixtures.expiring.device()),
                ],
                expect: .nonCompliant([approaching(Fixtures.expiring)])),
            CheckExample(
                "one second after notAfter: past expiration",
                files: [
                    "manifest.json": at("2026-12-10T00:00:01Z"),
                    "certificates.json": certificates(Fixtures.expiring.device()),
                ],
                expect: .nonCompliant([past(Fixtures.expiring)])),
            CheckExample(
                "CERT_EXPIRATION_THRESHOLD_IN_DAYS 90 from audit-configuration.json: 14 and 36 days away both approach",
                files: [
                    "audit-configuration.json": threshold(#""90""#),
                    "certificates.json": certificates(Fixtures.rsa2048.device(), Fixtures.expiring.device()),
                ],
                expect: .nonCompliant([approaching(Fixtures.rsa2048), approaching(Fixtures.expiring)])),
            CheckExample(
                "threshold 90: exactly 90 days before notAfter is approaching",
                files: [
                    "manifest.json": at("2026-09-11T00:00:00Z"), "audit-configuration.json": threshold(#""90""#),
                    "certificates.json": certificates(Fixtures.expiring.device()),
                ],
                expect: .nonCompliant([approaching(Fixtures.expiring)])),
            CheckExample(
                "threshold 90: 90 days and one second before notAfter is compliant",
                files: [
                    "manifest.json": at("2026-09-10T23:59:59Z"), "audit-configuration.json": threshold(#""90""#),
                    "certificates.json": certificates(Fixtures.expiring.device()),
                ],
                expect: .compliant),
            CheckExample(
                "status scope: INACTIVE, REVOKED, PENDING_ACTIVATION and REGISTER_INACTIVE certificates are not evaluated",
                files: [
                    "certificates.json": certificates(
                        Fixtures.expired.device(status: "INACTIVE"), Fixtures.expiring.device(status: "REVOKED"),
                        Fixtures.expired.device(status: "PENDING_ACTIVATION", id: Fixtures.expired.id),
                        Fixtures.expiring.device(status: "REGISTER_INACTIVE"))
                ],
                expect: .compliant),
            CheckExample(
                "status scope: PENDING_TRANSFER is evaluated",
                files: ["certificates.json": certificates(Fixtures.expired.device(status: "PENDING_TRANSFER"))],
                expect: .nonCompliant([past(Fixtures.expired)])),
            CheckExample(
                "threshold 30, the API's minimum: 14 days away approaches, 36 days away does not",
                files: [
                    "audit-configuration.json": threshold(#""30""#),
                    "certificates.json": certificates(Fixtures.rsa2048.device(), Fixtures.expiring.device()),
                ],
                expect: .nonCompliant([approaching(Fixtures.expiring)])),
            CheckExample(
                "threshold 3652, the API's maximum: both approach",
                files: [
                    "audit-configuration.json": threshold(#""3652""#),
                    "certificates.json": certificates(Fixtures.rsa2048.device(), Fixtures.expiring.device()),
                ],
                expect: .nonCompliant([approaching(Fixtures.rsa2048), approaching(Fixtures.expiring)])),
            CheckExample(
                "no certificates.json",
                files: [:],
                expect: .failed(message: "certificates.json: file not found in the snapshot")),
            CheckExample(
                "a certificate whose snapshot validity disagrees with its PEM is not evaluable; the others are checked",
                files: [
                    "certificates.json": certificates(
                        Fixtures.rsa2048.device(notAfter: "2026-11-30T00:00:00Z"), Fixtures.expired.device())
                ],
                expect: .nonCompliant([past(Fixtures.expired)]),
                message: "1 of 2 resources not evaluable: certificates.json: element 0 (byte 43): certificate "
                    + "\(Fixtures.rsa2048.id): validity.notAfter 2026-11-30T00:00:00.000000+00:00 disagrees with the "
                    + "certificate's notAfter 2027-01-01T00:00:00.000000+00:00"),
        ]
        + dayThreshold.refused(
            [
                ("threshold 29, one under the API's minimum: the audit refuses the configuration", #""29""#),
                ("threshold 3653, one over the API's maximum: refused", #""3653""#),
                ("a threshold that is not a number: refused", #""thirty""#),
                ("a threshold with a fraction: refused", #""30.5""#),
            ], certificates: certificates(Fixtures.expiring.device()))
}
