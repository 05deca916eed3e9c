import FleetAuditCore
import FleetAuditJSON

extension DeviceCertificateAgeCheck {
    typealias Fixtures = CertificateFixtures

    static func certificates(_ descriptions: JSONValue...) -> String { CertificateFixture.file(descriptions) }
    static func at(_ time: String) -> String { CertificateFixture.manifest(exportedAt: time) }
    static func old(_ fixture: CertificateFixture) -> ExpectedFinding {
        ExpectedFinding(reasonCode, .deviceCertificateId(fixture.id))
    }

    static let dayThreshold = DayThresholdExamples(
        checkName: "DEVICE_CERTIFICATE_AGE_CHECK", key: "CERT_AGE_THRESHOLD_IN_DAYS")
    static func ageThreshold(_ value: String) -> String { dayThreshold.configuration(value) }

    static let examples: [CheckExample] =
        [
            CheckExample(
                "registered 2025-11-25 (366 days before the audit) and 2026-01-02",
                files: [
                    "certificates.json": certificates(
                        Fixtures.ecP256.device(created: "2025-11-25T08:00:00Z"), Fixtures.rsa2048.device())
                ],
                expect: .nonCompliant([old(Fixtures.ecP256)])),
            CheckExample(
                "exactly 365 days old: past the threshold",
                files: [
                    "manifest.json": at("2027-01-02T00:00:00Z"),
                    "certificates.json": certificates(Fixtures.ecP256.device(created: "2026-01-02T00:00:00Z")),
                ],
                expect: .nonCompliant([old(Fixtures.ecP256)])),
            CheckExample(
                "one second short of 365 days: compliant",
                files: [
                    "manifest.json": at("2027-01-01T23:59:59Z"),
                    "certificates.json": certificates(Fixtures.ecP256.device(created: "2026-01-02T00:00:00Z")),
                ],
                expect: .compliant),
            CheckExample(
                "CERT_AGE_THRESHOLD_IN_DAYS 30 from audit-configuration.json: exactly 30 days old",
                files: [
                    "manifest.json": at("2026-02-01T00:00:00Z"),
                    "audit-configuration.json": ageThreshold(#""30""#),
                    "certificates.json": certificates(
                        Fixtures.ecP256.device(created: "2026-01-02T00:00:00Z"),
                        Fixtures.rsa2048.device(created: "2026-01-02T00:00:01Z")),
                ],
                expect: .nonCompliant([old(Fixtures.ecP256)])),
            CheckExample(
                "age from notBefore with --cert-age-from not-before (notBefore 2026-01-01, registered later)",
                files: [
                    "manifest.json": at("2027-01-01T00:00:00Z"),
                    "certificates.json": certificates(Fixtures.ecP256.device(created: "2026-06-01T00:00:00Z")),
                ],
                settings: AuditSettings(certificateAgeOrigin: .notBefore),
                expect: .nonCompliant([old(Fixtures.ecP256)])),
            CheckExample(
                "status scope: an old INACTIVE certificate is not evaluated",
                files: [
                    "certificates.json": certificates(
                        Fixtures.ecP256.device(status: "INACTIVE", created: "2020-01-01T00:00:00Z"))
                ],
                expect: .compliant),
            CheckExample(
                "threshold 3652, the API's maximum: exactly 3652 days old",
                files: [
                    "manifest.json": at("2036-01-02T00:00:00Z"), "audit-configuration.json": ageThreshold(#""3652""#),
                    "certificates.json": certificates(
                        Fixtures.ecP256.device(created: "2026-01-02T00:00:00Z"),
                        Fixtures.rsa2048.device(created: "2026-01-02T00:00:01Z")),
                ],
                expect: .nonCompliant([old(Fixtures.ecP256)])),
            CheckExample(
                "audit-configuration.json listed unavailable: the threshold is unknown",
                files: [
                    "manifest.json": ExampleManifest.text(unavailable: [
                        ("audit-configuration.json", "AccessDeniedException")
                    ]),
                    "certificates.json": certificates(Fixtures.ecP256.device()),
                ],
                expect: .failed(
                    message: "audit-configuration.json: not collected by the exporter: AccessDeniedException")),
        ]
        + dayThreshold.refused(
            [
                ("threshold 29, one under the API's minimum: the audit refuses the configuration", #""29""#),
                ("threshold 3653 (a number, not the API's string), one over the maximum: refused", "3653"),
                ("a threshold that is not a number: refused", #""one year""#),
            ], certificates: certificates(Fixtures.ecP256.device()))
}
