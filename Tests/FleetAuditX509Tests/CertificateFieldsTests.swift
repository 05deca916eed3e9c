import FleetAuditChecks
import FleetAuditCore
import FleetAuditTestSupport
import FleetAuditX509
import Foundation
import SwiftASN1
import Testing
import X509

/// The narrow DER walk (`CertificateFields`) against the full swift-certificates
/// decode (`DecodedCertificate`) on every PEM the repository holds, and on
/// malformed input.
@Suite struct CertificateFieldsTests {
    typealias Fixtures = CertificateFixtures

    static let fixtures: [(String, String)] = [
        ("rootCA", Fixtures.rootCA.pem), ("otherCA", Fixtures.otherCA.pem), ("dsaCA", Fixtures.dsaCA.pem),
        ("intermediateCA", Fixtures.intermediateCA.pem), ("rsa2048", Fixtures.rsa2048.pem),
        ("rsa3072", Fixtures.rsa3072.pem), ("rsa4096", Fixtures.rsa4096.pem), ("rsa1024", Fixtures.rsa1024.pem),
        ("ecP256", Fixtures.ecP256.pem), ("ecP384", Fixtures.ecP384.pem), ("ecP521", Fixtures.ecP521.pem),
        ("ecSecp256k1", Fixtures.ecSecp256k1.pem), ("dsa2048", Fixtures.dsa2048.pem), ("ed25519", Fixtures.ed25519.pem),
        ("ed448", Fixtures.ed448.pem), ("x25519", Fixtures.x25519.pem), ("roca2048", Fixtures.roca2048.pem),
        ("expiring", Fixtures.expiring.pem), ("expired", Fixtures.expired.pem), ("revoked", Fixtures.revoked.pem),
        ("viaIntermediate", Fixtures.viaIntermediate.pem), ("noCRL", Fixtures.noCRL.pem),
        ("otherIssued", Fixtures.otherIssued.pem), ("dsaIssued", Fixtures.dsaIssued.pem),
    ]

    static let workshop = workshopSnapshot

    /// The `certificatePem`s of a `{"certificateDescriptions": [...]}` file.
    static func pems(ofDescriptions file: String) throws -> [(String, String)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: workshop + "/" + file))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let descriptions = try #require(root["certificateDescriptions"] as? [[String: Any]])
        return try descriptions.enumerated().map { position, description in
            ("\(file) #\(position)", try #require(description["certificatePem"] as? String))
        }
    }

    /// Every certificate block of `ca-chain/*.pem`, one PEM each.
    static func chainPEMs() throws -> [(String, String)] {
        let directory = workshop + "/ca-chain"
        var pems: [(String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            for (position, document) in try PEMDocument.parseMultiple(pemString: text).enumerated() {
                pems.append(("ca-chain/\(name) #\(position)", document.pemString))
            }
        }
        return pems
    }

    static func everyPEM() throws -> [(String, String)] {
        try fixtures + pems(ofDescriptions: "certificates.json") + pems(ofDescriptions: "ca-certificates.json")
            + chainPEMs()
    }

    @Test func theWorkshopHasWhatTheTestsCover() throws {
        #expect(try Self.pems(ofDescriptions: "certificates.json").count == 13)
        #expect(try Self.pems(ofDescriptions: "ca-certificates.json").count == 3)
        #expect(try Self.chainPEMs().count == 1)
    }

    /// Same values as swift-certificates, field by field.
    @Test func sameValuesAsTheFullDecode() throws {
        let all = try Self.everyPEM()
        var pairs: [(CertificateFields, DecodedCertificate)] = []
        for (name, pem) in all {
            let full = try DecodedCertificate.decode(pem: pem).get()
            let narrow = try CertificateFields.decode(pem: pem).get()
            #expect(narrow.der == (try PEMDocument(pemString: pem)).derBytes, "\(name)")
            #expect(narrow.fingerprint == full.fingerprint, "\(name)")
            #expect(narrow.hasFingerprint(hex: full.fingerprint.uppercased()), "\(name)")
            #expect(narrow.serialNumber == full.serialNumber, "\(name)")
            #expect(narrow.serialNumberHex == full.serialNumberHex, "\(name)")
            #expect(narrow.issuer == full.issuer, "\(name)")
            #expect(narrow.subject == full.subject, "\(name)")
            #expect(narrow.issuer.description == full.issuer.description, "\(name)")
            #expect(narrow.isSelfIssued == full.isSelfIssued, "\(name)")
            #expect(narrow.notBefore == full.notBefore, "\(name)")
            #expect(narrow.notAfter == full.notAfter, "\(name)")
            #expect(narrow.publicKey == full.publicKey, "\(name)")
            #expect(narrow.subjectKeyIdentifier.map(Array.init) == full.subjectKeyIdentifier, "\(name)")
            #expect(narrow.authorityKeyIdentifier.map(Array.init) == full.authorityKeyIdentifier, "\(name)")
            #expect(narrow.isCertificateAuthority == full.isCertificateAuthority, "\(name)")
            #expect(narrow.hasCRLDistributionPoints == full.hasCRLDistributionPoints, "\(name)")
            #expect(narrow.crlDistributionPoints == full.crlDistributionPoints, "\(name)")
            // The verification key the CA index builds from the walk's SPKI bytes.
            let key = try? Certificate.PublicKey(derEncoded: narrow.subjectPublicKeyInfoBytes)
            #expect(key == full.verificationKey, "\(name)")
            pairs.append((narrow, full))
        }
        #expect(pairs.count == Self.fixtures.count + 17)
        // Names compared as DER agree with swift-certificates' name equality, for every pair.
        var matches = 0
        for (narrowA, fullA) in pairs {
            for (narrowB, fullB) in pairs {
                let equal = narrowA.issuerBytes.elementsEqual(narrowB.subjectBytes)
                #expect(equal == (fullA.issuer == fullB.subject))
                if equal { matches += 1 }
            }
        }
        // Not vacuous: every certificate's issuer is among them (once).
        #expect(matches == pairs.count)
    }

    /// Key quality reads the walk's key: same ROCA and blacklist answers on the workshop's weak keys.
    @Test func keyQualityFromTheWalk() throws {
        let blacklist = try WeakKeyBlacklist.load(directory: workshopWeakKeys)
        var roca = 0
        var listed = 0
        for (name, pem) in try Self.everyPEM() {
            let full = try DecodedCertificate.decode(pem: pem).get()
            let narrow = try CertificateFields.decode(pem: pem).get()
            guard let modulus = narrow.publicKey.rsaModulus else { continue }
            #expect(
                ROCAFingerprint.matches(modulus: modulus)
                    == ROCAFingerprint.matches(modulus: full.publicKey.rsaModulus ?? []), "\(name)")
            let inList = blacklist.contains(modulus: modulus, bits: narrow.publicKey.bits)
            #expect(inList == blacklist.contains(modulus: full.publicKey.rsaModulus ?? [], bits: full.publicKey.bits))
            if ROCAFingerprint.matches(modulus: modulus) { roca += 1 }
            if inList == true { listed += 1 }
        }
        #expect(roca == 3)
        #expect(listed == 1)
    }

    // MARK: PEM

    static let der = (try? PEMDocument(pemString: Fixtures.rsa2048.pem).derBytes) ?? []
    static let body = Data(der).base64EncodedString()

    static func pem(_ body: String, label: String = "CERTIFICATE") -> String {
        "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    /// Line breaks and whitespace RFC 7468 allows give the same DER.
    static let tolerated: [String] = [
        pem(body),  // one long line
        pem(lines(body, 76)),
        pem(lines(body, 64)).replacingOccurrences(of: "\n", with: "\r\n"),
        "\n\t " + pem(lines(body, 64)) + "\n\n",
        "-----BEGIN CERTIFICATE-----  \n" + lines(body, 64) + "\n-----END CERTIFICATE-----",
        pem(lines(body, 4).replacingOccurrences(of: "\n", with: " \t\n ")),
    ]

    @Test(arguments: tolerated)
    func tolerantOfWhitespace(_ text: String) throws {
        #expect(try PEM.certificate(text).get() == Self.der)
    }

    static func lines(_ text: String, _ width: Int) -> String {
        var lines: [Substring] = []
        var rest = text[...]
        while !rest.isEmpty {
            lines.append(rest.prefix(width))
            rest = rest.dropFirst(width)
        }
        return lines.joined(separator: "\n")
    }

    static let malformed: [(String, String)] = [
        ("", "not a PEM document (no valid -----BEGIN/END----- block)"),
        ("MIIBhello", "not a PEM document (no valid -----BEGIN/END----- block)"),
        ("preamble\n" + pem(body), "not a PEM document (no valid -----BEGIN/END----- block)"),
        (pem(body) + "trailer", "text after the -----END CERTIFICATE----- line (line 4)"),
        (pem(body) + pem(body), "PEM holds 2 blocks; expected one CERTIFICATE"),
        (pem(body) + "\n" + pem(body) + pem(body).dropLast(), "PEM holds 3 blocks; expected one CERTIFICATE"),
        (pem(body).dropLast() + pem(body), "PEM holds 2 blocks; expected one CERTIFICATE"),
        (pem(body).dropLast() + "x", "the PEM END line (line 3) has text after its closing -----"),
        (pem(body, label: "PUBLIC KEY"), "PEM block is 'PUBLIC KEY', not a CERTIFICATE"),
        (
            "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END X509 CRL-----\n",
            "the PEM block begins as 'CERTIFICATE' and ends as 'X509 CRL'"
        ),
        ("-----BEGIN CERTIFICATE-----\n" + body, "the PEM block has no -----END line"),
        ("-----BEGIN CERTIFICATE\n" + body, "the PEM BEGIN line (line 1) does not end with -----"),
        ("-----BEGIN CERTIFICATE----- x\n" + body, "the PEM BEGIN line (line 1) has text after its closing -----"),
        ("-----BEGIN \u{1}\u{2}-----\n", "the PEM BEGIN line (line 1) has an invalid label"),
        (pem(""), "the PEM block has an empty body"),
        (pem("MII!" + body.dropFirst(4)), "the base64 body has a character outside the base64 alphabet (line 2)"),
        (pem("MIIé" + body.dropFirst(4)), "the base64 body has a character outside the base64 alphabet (line 2)"),
        (pem("AA==\nAAAA"), "the base64 body has data after its padding (line 3)"),
        (pem("AAA"), "the base64 body's length or padding is wrong (3 digit(s) and 0 '=' at the end)"),
        (pem("A==="), "the base64 body's length or padding is wrong (1 digit(s) and 3 '=' at the end)"),
        (pem("AB=="), "the base64 body has non-zero bits after its last byte (not canonical)"),
        (pem("AAB="), "the base64 body has non-zero bits after its last byte (not canonical)"),
    ]

    @Test(arguments: malformed)
    func strictAboutEverythingElse(_ text: String, _ reason: String) {
        #expect(PEM.certificate(text).failureReason == reason)
    }

    @Test func paddedBodies() throws {
        #expect(try PEM.certificate(Self.pem("AA==")).get() == [0x00])
        #expect(try PEM.certificate(Self.pem("AAE=")).get() == [0x00, 0x01])
        #expect(try PEM.certificate(Self.pem("/+8A")).get() == [0xFF, 0xEF, 0x00])
    }

    @Test func bundles() throws {
        let text = "subject=CN=a\n" + Fixtures.rootCA.pem + "\nissuer=CN=b\n" + Self.pem("AA==", label: "X509 CRL")
        let blocks = try PEM.blocks(text).get()
        #expect(blocks.map(\.label) == ["CERTIFICATE", "X509 CRL"])
        #expect(blocks[1].der == [0x00])
        let decoded = try CertificateFields.decodeBundle(pem: text).get()
        #expect(try decoded[0].get().isCertificateAuthority)
        #expect(decoded[1].failureReason == "PEM block is 'X509 CRL', not a CERTIFICATE")
        #expect(CertificateFields.decodeBundle(pem: "no PEM here").failureReason == "no PEM block")
        #expect(
            CertificateFields.decodeBundle(pem: Self.pem("A!==")).failureReason
                == "not a PEM bundle: the base64 body has a character outside the base64 alphabet (line 2)")
    }

    // MARK: DER

    @Test func messagesForBadDER() {
        #expect(
            CertificateFields.decode(pem: Fixtures.truncatedCertificatePEM).failureReason
                == "not a valid DER certificate: truncated (a field runs past the end of the data)")
        #expect(
            CertificateFields.decode(der: [0x30, 0x03, 0x02, 0x01, 0x05]).failureReason
                == "not a valid DER certificate: unexpected field type")
        // A length of 4 GiB in a 6-byte input.
        #expect(
            CertificateFields.decode(der: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]).failureReason
                == "not a valid DER certificate: truncated (a field runs past the end of the data)")
        #expect(
            CertificateFields.decode(der: Self.der + [0x00]).failureReason
                == "not a valid DER certificate: malformed ASN.1 object")
        #expect(
            CertificateFields.decode(der: []).failureReason
                == "not a valid DER certificate: truncated (a field runs past the end of the data)")
    }

    /// Every prefix of a certificate is an error, never a trap.
    @Test func everyTruncationIsAnError() {
        for length in 0..<Self.der.count {
            #expect(CertificateFields.decode(der: Array(Self.der.prefix(length))).failureReason != nil)
        }
    }

    /// Every byte of a certificate replaced by each of a few values: an error or a
    /// certificate, never a trap; and a success always agrees with swift-certificates
    /// where swift-certificates accepts the same bytes.
    @Test(arguments: [UInt8(0x00), 0x01, 0x05, 0x1F, 0x30, 0x31, 0x7F, 0x80, 0x81, 0x82, 0xA0, 0xA3, 0xFF])
    func corruptedBytes(_ value: UInt8) throws {
        let der = try #require(try? PEMDocument(pemString: Fixtures.rsa2048.pem).derBytes)
        var failures = 0
        for position in der.indices where der[position] != value {
            var corrupted = der
            corrupted[position] = value
            // The walk refuses whatever swift-asn1's whole-tree parse refuses, and
            // accepts whatever swift-certificates accepts.
            let parses = (try? DER.parse(corrupted)) != nil
            switch CertificateFields.decode(der: corrupted) {
            case .failure:
                failures += 1
                #expect(DecodedCertificate.decode(der: corrupted).failureReason != nil, "byte \(position)")
            case .success(let narrow):
                #expect(parses, "byte \(position)")
                guard case .success(let full) = DecodedCertificate.decode(der: corrupted) else { continue }
                #expect(narrow.notAfter == full.notAfter)
                #expect(narrow.serialNumber == full.serialNumber)
                #expect(narrow.publicKey == full.publicKey)
                #expect(narrow.issuer == full.issuer)
            }
        }
        #expect(failures > 0)
    }
}
