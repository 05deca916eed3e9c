import FleetAuditCore
import FleetAuditJSON

extension RevokedDeviceCertificateStillActiveCheck {
    typealias Fixtures = CertificateFixtures

    static func certificates(_ descriptions: JSONValue...) -> String { CertificateFixture.file(descriptions) }
    static func cas(_ descriptions: JSONValue...) -> String { CertificateFixture.file(descriptions) }
    static func revoked(_ fixture: CertificateFixture) -> ExpectedFinding {
        ExpectedFinding(RevocationRule.reasonCode, .deviceCertificateId(fixture.id))
    }

    static let rootName = "CN=Fixture Root CA,O=FleetAudit Fixtures"
    static let otherName = "CN=Fixture Other CA,O=FleetAudit Fixtures"

    static let examples: [CheckExample] = [
        CheckExample(
            "a revoked certificate still ACTIVE, its CRL signed by the registered root",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca()),
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "certificates.json": certificates(
                    Fixtures.rsa2048.device(), Fixtures.revoked.device(), Fixtures.noCRL.device()),
            ],
            expect: .nonCompliant([revoked(Fixtures.revoked)])),
        CheckExample(
            "nothing revoked; a certificate of an intermediate CA from ca-chain/ checked against its CRL",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca()),
                "ca-chain/intermediate.pem": Fixtures.intermediateCA.pem,
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "crls/fixture-intermediate.crl": Fixtures.intermediateCRL,
                "certificates.json": certificates(Fixtures.rsa2048.device(), Fixtures.viaIntermediate.device()),
            ],
            expect: .compliant),
        CheckExample(
            "status scope: a revoked certificate already INACTIVE or REVOKED in AWS IoT is not evaluated",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca()),
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "certificates.json": certificates(
                    Fixtures.revoked.device(status: "INACTIVE"), Fixtures.revoked.device(status: "REVOKED")),
            ],
            expect: .compliant),
        CheckExample(
            "status scope: PENDING_TRANSFER is evaluated",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca()),
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "certificates.json": certificates(Fixtures.revoked.device(status: "PENDING_TRANSFER")),
            ],
            expect: .nonCompliant([revoked(Fixtures.revoked)])),
        CheckExample(
            "a CRL with a bad signature is not used: its issuer's certificates are not evaluable, the others are checked",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca(), Fixtures.otherCA.ca()),
                "crls/fixture-root.crl": Fixtures.rootCRLBadSignature,
                "crls/fixture-other.crl": Fixtures.otherCRL,
                "certificates.json": certificates(Fixtures.revoked.device(), Fixtures.otherIssued.device()),
            ],
            expect: .compliant,
            message: "1 of 2 resources not evaluable: certificates.json: element 0 (byte 43): certificate "
                + "\(Fixtures.revoked.id): revocation unknown: the CRL of its issuer (crls/fixture-root.crl) is not "
                + "usable: its ecdsa-with-SHA256 signature does not verify with the key of \(rootName) "
                + "(ca-certificates.json: element 0 (byte 43)). 1 input(s) skipped: crls/fixture-root.crl: its "
                + "ecdsa-with-SHA256 signature does not verify with the key of \(rootName) (ca-certificates.json: "
                + "element 0 (byte 43)); not used"),
        CheckExample(
            "only the CRL of another issuer: a certificate naming a CRL distribution point is not evaluable",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca(), Fixtures.otherCA.ca()),
                "crls/fixture-other.crl": Fixtures.otherCRL,
                "certificates.json": certificates(
                    Fixtures.revoked.device(), Fixtures.noCRL.device(), Fixtures.otherIssued.device()),
            ],
            expect: .compliant,
            message: "1 of 3 resources not evaluable: certificates.json: element 0 (byte 43): certificate "
                + "\(Fixtures.revoked.id): revocation unknown: no CRL of its issuer \(rootName) in crls/ (its CRL "
                + "distribution point: http://crl.fleetaudit.example/fixture-root.crl)"),
        CheckExample(
            "a CRL whose issuer is neither registered nor in ca-chain/ is not used",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca()),
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "crls/fixture-other.crl": Fixtures.otherCRL,
                "certificates.json": certificates(Fixtures.revoked.device(), Fixtures.otherIssued.device()),
            ],
            expect: .nonCompliant([revoked(Fixtures.revoked)]),
            message: "1 of 2 resources not evaluable: certificates.json: element 1 (byte 1516): certificate "
                + "\(Fixtures.otherIssued.id): revocation unknown: the CRL of its issuer (crls/fixture-other.crl) is "
                + "not usable: its issuer \(otherName) is neither a registered CA nor in ca-chain/. 1 input(s) "
                + "skipped: crls/fixture-other.crl: its issuer \(otherName) is neither a registered CA nor in "
                + "ca-chain/; not used"),
        CheckExample(
            "a DSA-signed CRL, which swift-certificates cannot verify, is used as it is and the message says so",
            files: [
                "ca-certificates.json": cas(Fixtures.dsaCA.ca()),
                "crls/fixture-dsa.crl": Fixtures.dsaCRL,
                "certificates.json": certificates(Fixtures.dsaIssued.device()),
            ],
            expect: .nonCompliant([revoked(Fixtures.dsaIssued)]),
            message: "crls/fixture-dsa.crl: signature not verified (signature algorithm dsa-with-SHA256 is not "
                + "supported by swift-certificates); the CRL is used as it is"),
        CheckExample(
            "a file in crls/ that is not a CRL and a ca-chain/ file that is not PEM are skipped",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca()),
                "ca-chain/notes.txt": "intermediates go here",
                "crls/fixture-root.crl": Fixtures.rootCRL,
                "crls/readme.crl": Fixtures.rsa2048.pem,
                "certificates.json": certificates(Fixtures.revoked.device()),
            ],
            expect: .nonCompliant([revoked(Fixtures.revoked)]),
            message: "2 input(s) skipped: ca-chain/notes.txt: not a .pem file; ignored; crls/readme.crl: PEM block "
                + "is 'CERTIFICATE', not an X509 CRL"),
        CheckExample(
            "no crls/ folder",
            files: [
                "ca-certificates.json": cas(Fixtures.rootCA.ca()),
                "certificates.json": certificates(Fixtures.revoked.device()),
            ],
            expect: .failed(message: "crls/: folder not found in the snapshot")),
    ]
}
