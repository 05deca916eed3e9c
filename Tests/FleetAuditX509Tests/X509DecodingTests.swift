import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditX509
import Foundation
import Testing

/// The certificate decoder on every key type it models and on each bad input.
@Suite struct X509DecodingTests {
    typealias Fixtures = CertificateFixtures

    static let keyTypes: [(String, CertificateFixture, Bool)] = [
        // name, fixture, decoded by swift-certificates (false: swift-asn1 fallback)
        ("RSA-2048", Fixtures.rsa2048, true), ("RSA-3072", Fixtures.rsa3072, true),
        ("RSA-4096", Fixtures.rsa4096, true), ("RSA-1024", Fixtures.rsa1024, false),
        ("EC P-256", Fixtures.ecP256, true), ("EC P-384", Fixtures.ecP384, true), ("EC P-521", Fixtures.ecP521, true),
        ("EC secp256k1", Fixtures.ecSecp256k1, false), ("DSA-2048", Fixtures.dsa2048, false),
        ("Ed25519", Fixtures.ed25519, true), ("Ed448", Fixtures.ed448, false),
        ("unsupported key algorithm 1.3.101.110 (X25519)", Fixtures.x25519, false),
    ]

    @Test(arguments: keyTypes.indices)
    func everyKeyTypeDecodes(_ index: Int) throws {
        let (name, fixture, bySwiftCertificates) = Self.keyTypes[index]
        let certificate = try DecodedCertificate.decode(pem: fixture.pem).get()
        #expect(certificate.publicKey.description == name)
        #expect(fixture.keyDescription == name)
        #expect(certificate.fingerprint == fixture.id)
        #expect(certificate.serialNumberHex.drop(while: { $0 == "0" }) == fixture.serialHex)
        #expect(certificate.notBefore == AuditTime(iso8601: fixture.notBefore))
        #expect(certificate.notAfter == AuditTime(iso8601: fixture.notAfter))
        #expect(certificate.issuer.description == "CN=Fixture Root CA,O=FleetAudit Fixtures")
        #expect(certificate.hasCRLDistributionPoints)
        #expect(certificate.crlDistributionPoints == ["http://crl.fleetaudit.example/fixture-root.crl"])
        #expect(certificate.authorityKeyIdentifier != nil)
        #expect(!certificate.isCertificateAuthority)
        #expect((certificate.swiftCertificatesRefusal == nil) == bySwiftCertificates)
        #expect((certificate.verificationKey != nil) == bySwiftCertificates)
    }

    @Test func rsaModulusAndExponent() throws {
        let certificate = try DecodedCertificate.decode(pem: Fixtures.rsa1024.pem).get()
        guard case .rsa(let modulus, let exponent) = certificate.publicKey.kind else {
            Issue.record("not RSA")
            return
        }
        #expect(modulus.count == 128)
        #expect(modulus[0] & 0x80 != 0)
        #expect(exponent == [0x01, 0x00, 0x01])
        #expect(WeakKeyBlacklist.fingerprint(modulus: modulus) == Fixtures.rsa1024BlacklistEntry)
    }

    @Test func aCAWithItsSubjectKeyIdentifier() throws {
        let root = try DecodedCertificate.decode(pem: Fixtures.rootCA.pem).get()
        #expect(root.isCertificateAuthority)
        #expect(root.isSelfIssued)
        #expect(root.subjectKeyIdentifier == root.authorityKeyIdentifier)
        let device = try DecodedCertificate.decode(pem: Fixtures.ecP256.pem).get()
        #expect(device.authorityKeyIdentifier == root.subjectKeyIdentifier)
        let dsaCA = try DecodedCertificate.decode(pem: Fixtures.dsaCA.pem).get()
        #expect(dsaCA.publicKey.description == "DSA-2048")
        #expect(dsaCA.isCertificateAuthority)
    }

    @Test func aPEMThatIsNotACertificate() {
        #expect(
            DecodedCertificate.decode(pem: Fixtures.publicKeyPEM).failureReason
                == "PEM block is 'PUBLIC KEY', not a CERTIFICATE")
    }

    @Test func notPEMAtAll() {
        #expect(
            DecodedCertificate.decode(pem: "MIIBhello").failureReason
                == "not a PEM document (no valid -----BEGIN/END----- block)")
    }

    @Test func twoCertificatesInOnePEM() {
        #expect(
            DecodedCertificate.decode(pem: Fixtures.rsa2048.pem + Fixtures.ecP256.pem).failureReason
                == "PEM holds 2 blocks; expected one CERTIFICATE")
    }

    @Test func aTruncatedDER() {
        #expect(
            DecodedCertificate.decode(pem: Fixtures.truncatedCertificatePEM).failureReason
                == "not a valid DER certificate: truncated (a field runs past the end of the data)")
    }

    @Test func garbageDER() {
        #expect(
            DecodedCertificate.decode(der: [0x30, 0x03, 0x02, 0x01, 0x05]).failureReason
                == "not a valid DER certificate: unexpected field type")
    }
}

extension Result where Failure == X509Problem {
    var failureReason: String? {
        if case .failure(let problem) = self { return problem.reason }
        return nil
    }
}
