import FleetAuditCore
import FleetAuditJSON

extension IntermediateCARevokedForActiveDeviceCertificatesCheck {
    typealias Fixtures = CertificateFixtures

    static let revokedIntermediate = ExpectedFinding(
        reasonCode,
        .issuerCertificate(
            subject: "CN=Fixture Intermediate CA,O=FleetAudit Fixtures", issuerId: Fixtures.intermediateCA.id,
            serialNumber: Fixtures.intermediateCA.serialHex))

    static let examples: [CheckExample] = [
        CheckExample(
            "the intermediate in ca-chain/ is revoked by the root and one ACTIVE device certificate chains to it",
            files: [
                "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca()]),
                "ca-chain/intermediate.pem": Fixtures.intermediateCA.pem,
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "certificates.json": CertificateFixture.file([
                    Fixtures.viaIntermediate.device(), Fixtures.rsa2048.device(),
                ]),
            ],
            expect: .nonCompliant([revokedIntermediate])),
        CheckExample(
            "the revoked intermediate's only device certificate is INACTIVE",
            files: [
                "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca()]),
                "ca-chain/intermediate.pem": Fixtures.intermediateCA.pem,
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "certificates.json": CertificateFixture.file([Fixtures.viaIntermediate.device(status: "INACTIVE")]),
            ],
            expect: .compliant),
        CheckExample(
            "a CRL of another issuer where the root's should be: the registered intermediate is not evaluable",
            files: [
                "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca(), Fixtures.intermediateCA.ca()]),
                "crls/fixture-root.crl": Fixtures.otherCRL,
                "certificates.json": CertificateFixture.file([Fixtures.viaIntermediate.device()]),
            ],
            expect: .failed(
                message:
                    "none of the resources could be evaluated: 1 of 1 resources not evaluable: ca-certificates.json: element 1 (byte 1439): intermediate CA "
                    + "CN=Fixture Intermediate CA,O=FleetAudit Fixtures: revocation unknown: no CRL of its issuer "
                    + "CN=Fixture Root CA,O=FleetAudit Fixtures in crls/ (its CRL distribution point: "
                    + "http://crl.fleetaudit.example/fixture-root.crl). 1 input(s) skipped: crls/fixture-root.crl: its "
                    + "issuer CN=Fixture Other CA,O=FleetAudit Fixtures is neither a registered CA nor in ca-chain/; not used"
            )),
        CheckExample(
            "only roots: no intermediate to evaluate",
            files: [
                "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca(), Fixtures.otherCA.ca()]),
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "certificates.json": CertificateFixture.file([Fixtures.revoked.device()]),
            ],
            expect: .compliant),
    ]
}
