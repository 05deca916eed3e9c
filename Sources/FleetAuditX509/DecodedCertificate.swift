import Crypto
import FleetAuditBase
import SwiftASN1
import X509
import _CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the audit reads from one X.509 certificate: validity, names, serial,
/// key, the extensions that link it to its issuer and its CRL. A value, so
/// checks are pure functions over it.
///
/// Decoded by swift-certificates; when swift-certificates refuses the
/// certificate because of its key (RSA under 2048 bits, DSA, Ed448, curves
/// other than P-256/384/521, unknown algorithms), the same fields are decoded
/// from the DER with swift-asn1 instead, so weak keys can still be audited.
public struct DecodedCertificate: Sendable {
    /// Lowercase hex SHA-256 of the DER encoding: AWS IoT's certificate id.
    public var fingerprint: String
    /// Big-endian, without leading zero bytes (at least one byte).
    public var serialNumber: [UInt8]
    public var issuer: DistinguishedName
    public var subject: DistinguishedName
    public var notBefore: AuditTime
    public var notAfter: AuditTime
    public var publicKey: PublicKeyInfo
    public var subjectKeyIdentifier: [UInt8]?
    public var authorityKeyIdentifier: [UInt8]?
    /// BasicConstraints cA = TRUE.
    public var isCertificateAuthority: Bool
    /// Whether the certificate names where its CRL is published (the extension is present).
    public var hasCRLDistributionPoints: Bool
    /// The URIs of its CRL distribution points.
    public var crlDistributionPoints: [String]
    /// The key as swift-certificates models it, to verify what this certificate
    /// signed (CRLs); nil when swift-certificates cannot use the key.
    public var verificationKey: Certificate.PublicKey?
    /// Why swift-certificates refused the certificate, when swift-asn1 decoded it instead.
    public var swiftCertificatesRefusal: String?

    /// The serial number as lowercase hex (`0a1b...`), at least two digits.
    public var serialNumberHex: String { Hex.encode(serialNumber) }

    /// Issuer and subject are the same name (a root, or a self-issued certificate).
    public var isSelfIssued: Bool { issuer == subject }
}

/// Lowercase hexadecimal.
public enum Hex {
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes an even number of hex digits (either case); nil otherwise.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: return digit - 0x30
        case 0x41...0x46: return digit - 0x41 + 10
        case 0x61...0x66: return digit - 0x61 + 10
        default: return nil
        }
    }
}

extension DecodedCertificate {
    static let cRLDistributionPointsOID: ASN1ObjectIdentifier = [2, 5, 29, 31]

    /// Decodes a PEM string holding exactly one `CERTIFICATE` block.
    public static func decode(pem: String) -> Result<DecodedCertificate, X509Problem> {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch let error as ASN1Error where error.code == .invalidPEMDocument {
            let found = (try? PEMDocument.parseMultiple(pemString: pem))?.count ?? 0
            if found > 1 { return .failure(X509Problem("PEM holds \(found) blocks; expected one CERTIFICATE")) }
            return .failure(X509Problem("not a PEM document (no valid -----BEGIN/END----- block)"))
        } catch {
            return .failure(X509Problem("not a PEM document: \(DERDiagnostics.describe(error))"))
        }
        guard document.discriminator == "CERTIFICATE" else {
            return .failure(X509Problem("PEM block is '\(document.discriminator)', not a CERTIFICATE"))
        }
        return decode(der: document.derBytes)
    }

    /// Decodes every block of a PEM bundle (`ca-chain/*.pem`); fails when the text
    /// is not PEM at all or a block is malformed.
    public static func decodeBundle(pem: String) -> Result<[Result<DecodedCertificate, X509Problem>], X509Problem> {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            return .failure(X509Problem("not a PEM bundle: \(DERDiagnostics.describe(error))"))
        }
        guard !documents.isEmpty else { return .failure(X509Problem("no PEM block")) }
        return .success(
            documents.map { document in
                guard document.discriminator == "CERTIFICATE" else {
                    return .failure(X509Problem("PEM block is '\(document.discriminator)', not a CERTIFICATE"))
                }
                return decode(der: document.derBytes)
            })
    }

    /// Decodes a DER certificate.
    public static func decode(der: [UInt8]) -> Result<DecodedCertificate, X509Problem> {
        let fingerprint = Hex.encode(SHA256.hash(data: der))
        do {
            let certificate = try Certificate(derEncoded: der)
            return .success(try decoded(certificate, fingerprint: fingerprint))
        } catch let problem as X509Problem {
            return .failure(problem)
        } catch {
            // swift-certificates refuses it: decode the same fields with swift-asn1 and accept
            // the result only when what it refuses is the key or the signature algorithm.
            let lenient: LenientCertificate
            do {
                lenient = try LenientCertificate(der: der)
            } catch let problem as X509Problem {
                return .failure(problem)
            } catch {
                return .failure(X509Problem("not a valid DER certificate: \(DERDiagnostics.describe(error))"))
            }
            let key: PublicKeyInfo
            do {
                key = try PublicKeyInfo(lenient.tbs.subjectPublicKeyInfo)
            } catch {
                return .failure(error)
            }
            let algorithm = lenient.signatureAlgorithm
            let refusal: String
            if !key.isAcceptedBySwiftCertificates {
                refusal = "swift-certificates does not accept \(key) keys"
            } else if CertificateRevocationList.verifiable[algorithm] == nil {
                let name = CertificateRevocationList.unverifiableNames[algorithm] ?? "\(algorithm)"
                refusal = "swift-certificates does not accept the \(name) signature algorithm"
            } else {
                return .failure(X509Problem("swift-certificates rejects the certificate: \(error)"))
            }
            do {
                return .success(try lenient.decoded(fingerprint: fingerprint, key: key, refusal: refusal))
            } catch let problem as X509Problem {
                return .failure(problem)
            } catch {
                return .failure(X509Problem("malformed extension: \(DERDiagnostics.describe(error))"))
            }
        }
    }

    private static func decoded(_ certificate: Certificate, fingerprint: String) throws -> DecodedCertificate {
        let key = try publicKeyInfo(certificate.publicKey)
        let extensions = certificate.extensions
        let (hasPoints, points) = try crlDistributionPoints(extensions)
        return DecodedCertificate(
            fingerprint: fingerprint,
            serialNumber: normalized(certificate.serialNumber.bytes),
            issuer: certificate.issuer, subject: certificate.subject,
            notBefore: AuditTime(date: certificate.notValidBefore),
            notAfter: AuditTime(date: certificate.notValidAfter),
            publicKey: key,
            subjectKeyIdentifier: (try extensions.subjectKeyIdentifier).map { Array($0.keyIdentifier) },
            authorityKeyIdentifier: (try extensions.authorityKeyIdentifier)?.keyIdentifier.map { Array($0) },
            isCertificateAuthority: isCA(try extensions.basicConstraints),
            hasCRLDistributionPoints: hasPoints, crlDistributionPoints: points,
            verificationKey: certificate.publicKey, swiftCertificatesRefusal: nil)
    }

    /// The key of a certificate swift-certificates accepted, with the RSA modulus
    /// read from its PKCS #1 encoding.
    private static func publicKeyInfo(_ key: Certificate.PublicKey) throws -> PublicKeyInfo {
        if let rsa = _RSA.Signing.PublicKey(key) {
            let value = try RSAPublicKeyValue(derEncoded: Array(rsa.pkcs1DERRepresentation))
            let modulus = Array(value.modulus.drop(while: { $0 == 0 }))
            return PublicKeyInfo(
                kind: .rsa(modulus: modulus, exponent: Array(value.publicExponent.drop(while: { $0 == 0 }))),
                bits: PublicKeyInfo.bitLength(modulus))
        }
        if P256.Signing.PublicKey(key) != nil { return PublicKeyInfo(kind: .ec(curve: "P-256"), bits: 256) }
        if P384.Signing.PublicKey(key) != nil { return PublicKeyInfo(kind: .ec(curve: "P-384"), bits: 384) }
        if P521.Signing.PublicKey(key) != nil { return PublicKeyInfo(kind: .ec(curve: "P-521"), bits: 521) }
        if Curve25519.Signing.PublicKey(key) != nil { return PublicKeyInfo(kind: .ed25519, bits: 256) }
        return PublicKeyInfo(kind: .unsupported(algorithm: "\(key)"), bits: 0)
    }

    static func normalized(_ serial: ArraySlice<UInt8>) -> [UInt8] {
        let trimmed = Array(serial.drop(while: { $0 == 0 }))
        return trimmed.isEmpty ? [0] : trimmed
    }

    static func isCA(_ constraints: BasicConstraints?) -> Bool {
        if case .isCertificateAuthority = constraints { return true }
        return false
    }

    /// `CRLDistributionPoints ::= SEQUENCE OF DistributionPoint` (RFC 5280 §4.2.1.13):
    /// whether the extension is present, and its URIs.
    static func crlDistributionPoints(_ extensions: Certificate.Extensions) throws -> (Bool, [String]) {
        guard let ext = extensions[oid: cRLDistributionPointsOID] else { return (false, []) }
        let root = try DER.parse(ext.value)
        var uris: [String] = []
        try DER.sequence(root, identifier: .sequence) { points in
            while let point = points.next() {
                try DER.sequence(point, identifier: .sequence) { fields in
                    // distributionPoint [0] EXPLICIT DistributionPointName OPTIONAL;
                    // fullName [0] IMPLICIT GeneralNames.
                    guard let first = fields.next(), first.identifier.tagClass == .contextSpecific,
                        first.identifier.tagNumber == 0, case .constructed(let nameNodes) = first.content
                    else { return }
                    for name in nameNodes {
                        guard name.identifier.tagClass == .contextSpecific, name.identifier.tagNumber == 0,
                            case .constructed(let generalNames) = name.content
                        else { continue }
                        for general in generalNames {
                            if case .uniformResourceIdentifier(let uri) = try GeneralName(derEncoded: general) {
                                uris.append(uri)
                            }
                        }
                    }
                    while fields.next() != nil {}
                }
            }
        }
        return (true, uris)
    }
}

extension AuditTime {
    init(date: Date) {
        self.init(microsecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
    }

    /// An ASN.1 `Time` (UTCTime or GeneralizedTime) node.
    init(asn1Time node: ASN1Node) throws {
        let parts: (Int, Int, Int, Int, Int, Int)
        switch node.identifier {
        case UTCTime.defaultIdentifier:
            let time = try UTCTime(derEncoded: node)
            parts = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        case GeneralizedTime.defaultIdentifier:
            let time = try GeneralizedTime(derEncoded: node)
            parts = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        default:
            throw X509Problem("a time is neither UTCTime nor GeneralizedTime")
        }
        guard
            let time = AuditTime(
                year: Int64(parts.0), month: Int64(parts.1), day: Int64(parts.2), hour: Int64(parts.3),
                minute: Int64(parts.4), second: Int64(parts.5))
        else { throw X509Problem("invalid date \(parts)") }
        self = time
    }
}

/// The fields of `Certificate` and `TBSCertificate` (RFC 5280 §4.1), decoded
/// with swift-asn1 without judging the key: the fallback for certificates
/// swift-certificates refuses.
struct LenientCertificate {
    struct TBS {
        var serialNumber: ArraySlice<UInt8>
        var issuer: DistinguishedName
        var notBefore: AuditTime
        var notAfter: AuditTime
        var subject: DistinguishedName
        var subjectPublicKeyInfo: SubjectPublicKeyInfoValue
        var extensions: [Certificate.Extension]
    }

    var tbs: TBS
    var signatureAlgorithm: ASN1ObjectIdentifier

    init(der: [UInt8]) throws {
        let root = try DER.parse(der)
        (tbs, signatureAlgorithm) = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbsNode = nodes.next() else { throw X509Problem("the certificate has no TBSCertificate") }
            let tbs = try Self.decodeTBS(tbsNode)
            let algorithm = try AlgorithmIdentifierValue(derEncoded: &nodes)
            _ = try ASN1BitString(derEncoded: &nodes)
            return (tbs, algorithm.algorithm)
        }
    }

    static func decodeTBS(_ node: ASN1Node) throws -> TBS {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let version = try DER.decodeDefaultExplicitlyTagged(
                &nodes, tagNumber: 0, tagClass: .contextSpecific, defaultValue: Int(0))
            guard (0...2).contains(version) else { throw X509Problem("invalid X.509 version \(version)") }
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            _ = try AlgorithmIdentifierValue(derEncoded: &nodes)
            let issuer = try DistinguishedName.next(&nodes)
            guard let validity = nodes.next() else { throw X509Problem("the TBSCertificate ends before its validity") }
            let (notBefore, notAfter) = try DER.sequence(validity, identifier: .sequence) { times in
                guard let before = times.next(), let after = times.next() else {
                    throw X509Problem("the validity has fewer than two times")
                }
                return (try AuditTime(asn1Time: before), try AuditTime(asn1Time: after))
            }
            let subject = try DistinguishedName.next(&nodes)
            let spki = try SubjectPublicKeyInfoValue(derEncoded: &nodes)
            var extensions: [Certificate.Extension] = []
            while let next = nodes.next() {
                guard next.identifier.tagClass == .contextSpecific else { throw X509Problem("unexpected field") }
                // issuerUniqueID [1], subjectUniqueID [2] are skipped; extensions [3] EXPLICIT.
                if next.identifier.tagNumber == 3, case .constructed(let inner) = next.content {
                    var iterator = inner.makeIterator()
                    guard let sequence = iterator.next() else { continue }
                    extensions = try DER.sequence(
                        of: Certificate.Extension.self, identifier: .sequence, rootNode: sequence)
                }
            }
            return TBS(
                serialNumber: serial, issuer: issuer, notBefore: notBefore, notAfter: notAfter, subject: subject,
                subjectPublicKeyInfo: spki, extensions: extensions)
        }
    }

    func decoded(fingerprint: String, key: PublicKeyInfo, refusal: String) throws -> DecodedCertificate {
        let extensions = try Certificate.Extensions(tbs.extensions)
        let (hasPoints, points) = try DecodedCertificate.crlDistributionPoints(extensions)
        return DecodedCertificate(
            fingerprint: fingerprint, serialNumber: DecodedCertificate.normalized(tbs.serialNumber),
            issuer: tbs.issuer, subject: tbs.subject, notBefore: tbs.notBefore, notAfter: tbs.notAfter,
            publicKey: key,
            subjectKeyIdentifier: (try extensions.subjectKeyIdentifier).map { Array($0.keyIdentifier) },
            authorityKeyIdentifier: (try extensions.authorityKeyIdentifier)?.keyIdentifier.map { Array($0) },
            isCertificateAuthority: DecodedCertificate.isCA(try extensions.basicConstraints),
            hasCRLDistributionPoints: hasPoints, crlDistributionPoints: points,
            verificationKey: key.isAcceptedBySwiftCertificates ? try? verificationKey() : nil,
            swiftCertificatesRefusal: refusal)
    }

    /// The key through swift-certificates, when it accepts the key itself (the refusal
    /// was about the certificate's signature algorithm).
    func verificationKey() throws -> Certificate.PublicKey {
        var serializer = DER.Serializer()
        try serializer.serialize(tbs.subjectPublicKeyInfo)
        return try Certificate.PublicKey(derEncoded: serializer.serializedBytes)
    }
}

extension DistinguishedName {
    /// The next node of a sequence, decoded as a Name.
    static func next(_ nodes: inout ASN1NodeCollection.Iterator) throws -> DistinguishedName {
        guard let node = nodes.next() else { throw X509Problem("a Name is missing") }
        return try DistinguishedName(derEncoded: node)
    }
}
