import FleetAuditCore

extension RevokedCACertificateStillActiveCheck {
    typealias Fixtures = CertificateFixtures

    static let examples: [CheckExample] = [
        CheckExample(
            "a registered intermediate CA revoked by the root's CRL; the root itself has no issuer",
            files: [
                "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca(), Fixtures.intermediateCA.ca()]),
                "crls/fixture-root.crl": Fixtures.rootCRL,
            ],
            expect: .nonCompliant([
                ExpectedFinding(
                    RevocationRule.reasonCode, .caCertificateId(Fixtures.intermediateCA.id))
            ])),
        CheckExample(
            "the revoked intermediate is INACTIVE: out of scope",
            files: [
                "ca-certificates.json": CertificateFixture.file([
                    Fixtures.rootCA.ca(), Fixtures.intermediateCA.ca(status: "INACTIVE"),
                ]),
                "crls/fixture-root.crl": Fixtures.rootCRL,
            ],
            expect: .compliant),
        CheckExample(
            "the intermediate's issuer is only in ca-chain/ and its CRL does not list it",
            files: [
                "ca-certificates.json": CertificateFixture.file([Fixtures.otherCA.ca()]),
                "ca-chain/root.pem": Fixtures.rootCA.pem,
                "crls/fixture-other.crl": Fixtures.otherCRL,
            ],
            expect: .compliant),
    ]
}
