import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

extension DeviceCertificateKeyQualityCheck {
    typealias Fixtures = CertificateFixtures

    static func certificates(_ descriptions: JSONValue...) -> String { CertificateFixture.file(descriptions) }
    static func finding(_ code: String, _ fixture: CertificateFixture) -> ExpectedFinding {
        ExpectedFinding(code, .deviceCertificateId(fixture.id))
    }

    /// The example snapshot holds the lists in `weak-keys/`; the setting names that folder.
    static let blacklistFiles: [String: String] = [
        "weak-keys/blacklist.RSA-1024": Fixtures.debianBlacklistRSA1024,
        "weak-keys/blacklist.RSA-2048": Fixtures.debianBlacklistRSA2048,
    ]
    static let withBlacklist = AuditSettings(weakKeyBlacklistDirectory: "weak-keys")
    static let noBlacklistNote =
        "CVE-2008-0166 not tested: no --weak-key-blacklist (Debian's openssl-blacklist lists; see docs/checks.md)"

    static let examples: [CheckExample] = [
        CheckExample(
            "a ROCA key among normal keys of every supported type",
            files: blacklistFiles.merging(
                [
                    "certificates.json": certificates(
                        Fixtures.rsa2048.device(), Fixtures.roca2048.device(), Fixtures.rsa3072.device(),
                        Fixtures.rsa4096.device(), Fixtures.ecP256.device(), Fixtures.ecP384.device(),
                        Fixtures.ecP521.device(), Fixtures.ecSecp256k1.device(), Fixtures.dsa2048.device(),
                        Fixtures.ed25519.device(), Fixtures.ed448.device())
                ], uniquingKeysWith: { $1 }),
            settings: withBlacklist,
            expect: .nonCompliant([finding(KeyQuality.roca, Fixtures.roca2048)])),
        CheckExample(
            "an RSA-1024 key in the Debian blacklist (swift-certificates refuses it; swift-asn1 decodes it)",
            files: blacklistFiles.merging(
                ["certificates.json": certificates(Fixtures.rsa2048.device(), Fixtures.rsa1024.device())],
                uniquingKeysWith: { $1 }),
            settings: withBlacklist,
            expect: .nonCompliant([finding(KeyQuality.debian, Fixtures.rsa1024)])),
        CheckExample(
            "normal keys of every supported type with the blacklists",
            files: blacklistFiles.merging(
                [
                    "certificates.json": certificates(
                        Fixtures.rsa2048.device(), Fixtures.rsa3072.device(), Fixtures.rsa4096.device(),
                        Fixtures.ecP256.device(), Fixtures.ecP384.device(), Fixtures.ecP521.device(),
                        Fixtures.ecSecp256k1.device(), Fixtures.dsa2048.device(), Fixtures.ed25519.device(),
                        Fixtures.ed448.device())
                ], uniquingKeysWith: { $1 }),
            settings: withBlacklist,
            expect: .compliant),
        CheckExample(
            "without --weak-key-blacklist only ROCA is tested, and the message says so",
            files: ["certificates.json": certificates(Fixtures.rsa1024.device(), Fixtures.roca2048.device())],
            expect: .nonCompliant([finding(KeyQuality.roca, Fixtures.roca2048)]),
            message: noBlacklistNote),
        CheckExample(
            "status scope: a ROCA key on an INACTIVE certificate is not evaluated",
            files: ["certificates.json": certificates(Fixtures.roca2048.device(status: "INACTIVE"))],
            expect: .compliant, message: noBlacklistNote),
        CheckExample(
            "an unsupported key type (X25519) is not evaluable; the other certificates are checked",
            files: ["certificates.json": certificates(Fixtures.x25519.device(), Fixtures.roca2048.device())],
            expect: .nonCompliant([finding(KeyQuality.roca, Fixtures.roca2048)]),
            message: "1 of 2 resources not evaluable: certificates.json: element 0 (byte 43): certificate "
                + "\(Fixtures.x25519.id): its key (unsupported key algorithm 1.3.101.110 (X25519)) cannot be tested. "
                + noBlacklistNote),
        CheckExample(
            "a PEM that is not a certificate and a truncated DER are not evaluable",
            files: [
                "certificates.json": #"{"certificateDescriptions": ["#
                    + #"{"certificateId": "\#(Fixtures.rsa2048.id)", "status": "ACTIVE", "certificatePem": \#(JSONWriter.compact(.string(Fixtures.publicKeyPEM)))},"#
                    + #"{"certificateId": "\#(Fixtures.rsa2048.id)", "status": "ACTIVE", "certificatePem": \#(JSONWriter.compact(.string(Fixtures.truncatedCertificatePEM)))}"#
                    + "]}"
            ],
            expect: .failed(
                message:
                    "none of the resources could be evaluated: 2 of 2 resources not evaluable: certificates.json: element 0 (byte 29): certificate "
                    + "\(Fixtures.rsa2048.id): certificatePem: PEM block is 'PUBLIC KEY', not a CERTIFICATE; "
                    + "certificates.json: element 1 (byte 615): certificate \(Fixtures.rsa2048.id): certificatePem: "
                    + "not a valid DER certificate: truncated (a field runs past the end of the data). "
                    + noBlacklistNote)),
        CheckExample(
            "a malformed blacklist line fails the check",
            files: [
                "weak-keys/blacklist.RSA-1024": "# comment\n0123456789abcdef0123\nnot-a-fingerprint\n",
                "certificates.json": certificates(Fixtures.rsa1024.device()),
            ],
            settings: withBlacklist,
            expect: .failed(
                message: "--weak-key-blacklist: weak-keys/blacklist.RSA-1024: line 3: expected the last 20 hex "
                    + "digits of a SHA-1 fingerprint, found 'not-a-fingerprint'")),
    ]
}
