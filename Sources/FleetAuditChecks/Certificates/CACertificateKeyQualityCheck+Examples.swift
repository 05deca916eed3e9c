import FleetAuditCore
import FleetAuditX509

extension CACertificateKeyQualityCheck {
    typealias Fixtures = CertificateFixtures

    static let examples: [CheckExample] = [
        CheckExample(
            "CA certificates of EC and DSA keys",
            files: [
                "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca(), Fixtures.dsaCA.ca()])
            ],
            expect: .compliant, message: DeviceCertificateKeyQualityCheck.noBlacklistNote),
        CheckExample(
            "a registered CA with a ROCA key and one with a Debian-listed key",
            files: DeviceCertificateKeyQualityCheck.blacklistFiles.merging(
                [
                    "ca-certificates.json": CertificateFixture.file([
                        Fixtures.roca2048.ca(), Fixtures.rsa1024.ca(), Fixtures.rootCA.ca(),
                    ])
                ], uniquingKeysWith: { $1 }),
            settings: DeviceCertificateKeyQualityCheck.withBlacklist,
            expect: .nonCompliant([
                ExpectedFinding(KeyQuality.roca, .caCertificateId(Fixtures.roca2048.id)),
                ExpectedFinding(KeyQuality.debian, .caCertificateId(Fixtures.rsa1024.id)),
            ])),
        CheckExample(
            "an INACTIVE CA with a ROCA key is out of scope",
            files: ["ca-certificates.json": CertificateFixture.file([Fixtures.roca2048.ca(status: "INACTIVE")])],
            expect: .compliant, message: DeviceCertificateKeyQualityCheck.noBlacklistNote),
    ]
}
