import FleetAuditBase
import SwiftASN1
import X509

/// A certificate revocation list (RFC 5280 §5), decoded with swift-asn1
/// (swift-certificates has no CRL type). Only what the audit uses is kept:
/// the issuer, the times, the revoked serial numbers, and the signed bytes
/// with their signature for verification.
public struct CertificateRevocationList: Sendable {
    public var issuer: DistinguishedName
    /// The issuer `Name` as DER: what is compared with a CA's subject.
    public var issuerBytes: ArraySlice<UInt8>
    public var authorityKeyIdentifier: [UInt8]?
    public var thisUpdate: AuditTime
    public var nextUpdate: AuditTime?
    /// Serial numbers (big-endian, no leading zeros) of the revoked certificates,
    /// except entries whose reason is removeFromCRL.
    public var revokedSerialNumbers: Set<[UInt8]>
    /// The DER of `tbsCertList`, as signed.
    var signedBytes: ArraySlice<UInt8>
    var signatureAlgorithm: ASN1ObjectIdentifier
    var signature: ASN1BitString

    init(
        issuer: DistinguishedName, issuerBytes: ArraySlice<UInt8>, authorityKeyIdentifier: [UInt8]?,
        thisUpdate: AuditTime, nextUpdate: AuditTime?,
        revokedSerialNumbers: Set<[UInt8]>, signedBytes: ArraySlice<UInt8>, signatureAlgorithm: ASN1ObjectIdentifier,
        signature: ASN1BitString
    ) {
        self.issuer = issuer
        self.issuerBytes = issuerBytes
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.revokedSerialNumbers = revokedSerialNumbers
        self.signedBytes = signedBytes
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
    }

    static let reasonCodeOID: ASN1ObjectIdentifier = [2, 5, 29, 21]
    static let authorityKeyIdentifierOID: ASN1ObjectIdentifier = [2, 5, 29, 35]
    /// CRLReason removeFromCRL (8): the entry un-revokes a certificate on hold.
    static let removeFromCRL = 8

    /// Decodes a CRL file: PEM (`-----BEGIN X509 CRL-----`) or DER.
    public static func decode(file bytes: [UInt8]) -> Result<CertificateRevocationList, X509Problem> {
        var der = bytes
        let pemStart = Array("-----BEGIN".utf8)
        let leading = bytes.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
        if leading.starts(with: pemStart) {
            let text = String(decoding: bytes, as: UTF8.self)
            let document: PEMDocument
            do {
                document = try PEMDocument(pemString: text)
            } catch {
                return .failure(X509Problem("not a single PEM document: \(DERDiagnostics.describe(error))"))
            }
            guard document.discriminator == "X509 CRL" else {
                return .failure(X509Problem("PEM block is '\(document.discriminator)', not an X509 CRL"))
            }
            der = document.derBytes
        }
        do {
            return .success(try CertificateRevocationList(der: der))
        } catch let problem as X509Problem {
            return .failure(problem)
        } catch {
            return .failure(X509Problem("not a DER CertificateList: \(DERDiagnostics.describe(error))"))
        }
    }

    /// `CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
    /// signatureValue BIT STRING }`.
    init(der: [UInt8]) throws {
        let root = try DER.parse(der)
        self = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw X509Problem("the CRL has no TBSCertList") }
            let algorithm = try AlgorithmIdentifierValue(derEncoded: &nodes)
            let signature = try ASN1BitString(derEncoded: &nodes)
            var list = try Self.decodeTBS(tbs)
            guard list.signatureAlgorithm == algorithm.algorithm else {
                throw X509Problem(
                    "the signature algorithm inside the CRL (\(list.signatureAlgorithm)) differs from the outer one (\(algorithm.algorithm))"
                )
            }
            list.signature = signature
            list.signedBytes = tbs.encodedBytes
            return list
        }
    }

    /// `TBSCertList ::= SEQUENCE { version Version OPTIONAL, signature AlgorithmIdentifier, issuer Name,
    /// thisUpdate Time, nextUpdate Time OPTIONAL, revokedCertificates SEQUENCE OF SEQUENCE {
    /// userCertificate CertificateSerialNumber, revocationDate Time, crlEntryExtensions Extensions OPTIONAL }
    /// OPTIONAL, crlExtensions [0] EXPLICIT Extensions OPTIONAL }`.
    static func decodeTBS(_ node: ASN1Node) throws -> CertificateRevocationList {
        try DER.sequence(node, identifier: .sequence) { nodes in
            var next = nodes.next()
            if let version = next, version.identifier == .integer {
                let value = try Int(derEncoded: version)
                guard value == 1 else { throw X509Problem("CRL version \(value + 1) is not v2") }
                next = nodes.next()
            }
            guard let algorithmNode = next else { throw X509Problem("the TBSCertList has no signature algorithm") }
            let algorithm = try AlgorithmIdentifierValue(derEncoded: algorithmNode)
            guard let issuerNode = nodes.next() else { throw X509Problem("a Name is missing") }
            let issuer = try DistinguishedName(derEncoded: issuerNode)
            guard let thisUpdateNode = nodes.next() else { throw X509Problem("the CRL has no thisUpdate") }
            let thisUpdate = try AuditTime(asn1Time: thisUpdateNode)
            var nextUpdate: AuditTime? = nil
            var revoked: Set<[UInt8]> = []
            var authorityKeyIdentifier: [UInt8]? = nil
            next = nodes.next()
            if let node = next,
                node.identifier == UTCTime.defaultIdentifier
                    || node.identifier == GeneralizedTime.defaultIdentifier
            {
                nextUpdate = try AuditTime(asn1Time: node)
                next = nodes.next()
            }
            if let node = next, node.identifier == .sequence {
                try DER.sequence(node, identifier: .sequence) { entries in
                    while let entry = entries.next() {
                        if let serial = try Self.decodeEntry(entry) { revoked.insert(serial) }
                    }
                }
                next = nodes.next()
            }
            if let node = next, node.identifier.tagClass == .contextSpecific, node.identifier.tagNumber == 0,
                case .constructed(let inner) = node.content
            {
                var iterator = inner.makeIterator()
                if let sequence = iterator.next() {
                    let extensions = try DER.sequence(
                        of: Certificate.Extension.self, identifier: .sequence, rootNode: sequence)
                    if let aki = extensions.first(where: { $0.oid == authorityKeyIdentifierOID }) {
                        authorityKeyIdentifier = try AuthorityKeyIdentifier(aki).keyIdentifier.map { Array($0) }
                    }
                }
                next = nodes.next()
            }
            guard next == nil else { throw X509Problem("unexpected field after the CRL extensions") }
            return CertificateRevocationList(
                issuer: issuer, issuerBytes: issuerNode.encodedBytes, authorityKeyIdentifier: authorityKeyIdentifier,
                thisUpdate: thisUpdate,
                nextUpdate: nextUpdate, revokedSerialNumbers: revoked, signedBytes: [],
                signatureAlgorithm: algorithm.algorithm, signature: ASN1BitString(bytes: []))
        }
    }

    /// One revoked certificate: its serial, or nil when the entry is a removeFromCRL.
    static func decodeEntry(_ node: ASN1Node) throws -> [UInt8]? {
        try DER.sequence(node, identifier: .sequence) { fields in
            let serial = try ArraySlice<UInt8>(derEncoded: &fields)
            guard let date = fields.next() else { throw X509Problem("a revoked entry has no revocationDate") }
            _ = try AuditTime(asn1Time: date)
            var removed = false
            if let extensionsNode = fields.next() {
                let extensions = try DER.sequence(
                    of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode)
                if let reason = extensions.first(where: { $0.oid == reasonCodeOID }) {
                    let node = try DER.parse(reason.value)
                    if node.identifier == .enumerated {
                        removed = try Int(derEncoded: node, withIdentifier: .enumerated) == removeFromCRL
                    }
                }
            }
            return removed ? nil : DecodedCertificate.normalized(serial)
        }
    }
}

/// How a CRL's signature check came out.
public enum SignatureCheck: Sendable, Hashable {
    case valid
    case invalid
    /// swift-certificates cannot verify this combination; the reason says what is unsupported.
    case unsupported(String)
}

extension CertificateRevocationList {
    /// Signature algorithms swift-certificates 1.x verifies, by OID.
    static let verifiable: [ASN1ObjectIdentifier: (Certificate.SignatureAlgorithm, String)] = [
        [1, 2, 840, 113_549, 1, 1, 5]: (.sha1WithRSAEncryption, "sha1WithRSAEncryption"),
        [1, 2, 840, 113_549, 1, 1, 11]: (.sha256WithRSAEncryption, "sha256WithRSAEncryption"),
        [1, 2, 840, 113_549, 1, 1, 12]: (.sha384WithRSAEncryption, "sha384WithRSAEncryption"),
        [1, 2, 840, 113_549, 1, 1, 13]: (.sha512WithRSAEncryption, "sha512WithRSAEncryption"),
        [1, 2, 840, 10045, 4, 3, 2]: (.ecdsaWithSHA256, "ecdsa-with-SHA256"),
        [1, 2, 840, 10045, 4, 3, 3]: (.ecdsaWithSHA384, "ecdsa-with-SHA384"),
        [1, 2, 840, 10045, 4, 3, 4]: (.ecdsaWithSHA512, "ecdsa-with-SHA512"),
        [1, 3, 101, 112]: (.ed25519, "Ed25519"),
    ]

    /// Names of signature algorithms swift-certificates does not verify, for messages.
    static let unverifiableNames: [ASN1ObjectIdentifier: String] = [
        [1, 2, 840, 113_549, 1, 1, 10]: "RSASSA-PSS",
        [1, 2, 840, 113_549, 1, 1, 4]: "md5WithRSAEncryption",
        [1, 2, 840, 113_549, 1, 1, 14]: "sha224WithRSAEncryption",
        [1, 2, 840, 10040, 4, 3]: "dsa-with-SHA1",
        [2, 16, 840, 1, 101, 3, 4, 3, 2]: "dsa-with-SHA256",
        [1, 2, 840, 10045, 4, 1]: "ecdsa-with-SHA1",
        [1, 2, 840, 10045, 4, 3, 1]: "ecdsa-with-SHA224",
        [1, 3, 101, 113]: "Ed448",
    ]

    /// The signature algorithm's name (`sha256WithRSAEncryption`) or OID.
    public var signatureAlgorithmName: String {
        Self.verifiable[signatureAlgorithm]?.1 ?? Self.unverifiableNames[signatureAlgorithm]
            ?? "\(signatureAlgorithm)"
    }

    /// Verifies the signature with the issuer's key, through swift-certificates.
    public func verifySignature(issuerKey: Certificate.PublicKey?, issuerKeyDescription: String) -> SignatureCheck {
        guard let (algorithm, _) = Self.verifiable[signatureAlgorithm] else {
            return .unsupported("signature algorithm \(signatureAlgorithmName) is not supported by swift-certificates")
        }
        guard let issuerKey else {
            return .unsupported("the issuer's \(issuerKeyDescription) key is not supported by swift-certificates")
        }
        return issuerKey.isValidSignature(signature.bytes, for: signedBytes, signatureAlgorithm: algorithm)
            ? .valid : .invalid
    }
}
