import Crypto
import FleetAuditCore
import SwiftASN1
import X509

/// What the certificate checks read from one X.509 certificate, from one
/// narrow walk over its DER with swift-asn1: validity, serial, issuer and
/// subject (as DER), the key identifiers, basic constraints, CRL distribution
/// points, the public key, and the SHA-256 of the DER.
///
/// Why not swift-certificates' `Certificate`: it builds every field the audit
/// does not read (a `DistinguishedName` tree per name, every extension, a
/// signature object), hands RSA keys to BoringSSL just to read their modulus
/// back, and refuses the weak keys the key-quality checks must find. Here the
/// byte fields are slices of the one DER buffer, and the key is decoded from
/// the SubjectPublicKeyInfo once.
///
/// The walk is strict about the structure of the fields it reads and of the
/// whole DER (swift-asn1 parses every TLV and rejects trailing bytes, lengths
/// past the end and non-minimal encodings). What it does not do is judge what
/// the audit never reads: the signature's inner encoding, the contents of other
/// extensions. `DecodedCertificate` (the full swift-certificates decode) is the
/// reference the equivalence tests compare it with.
public struct CertificateFields: Sendable {
    /// The certificate's DER; the slices below share its storage.
    public let der: [UInt8]
    /// SHA-256 of `der`: AWS IoT's certificate id.
    public let digest: SHA256Digest
    /// The serial number, big-endian, without leading zero bytes (at least one byte).
    public let serialNumberBytes: ArraySlice<UInt8>
    /// The issuer and subject `Name`s as DER (tag and length included).
    public let issuerBytes: ArraySlice<UInt8>
    public let subjectBytes: ArraySlice<UInt8>
    public let notBefore: AuditTime
    public let notAfter: AuditTime
    /// The DER `SubjectPublicKeyInfo` (tag and length included).
    public let subjectPublicKeyInfoBytes: ArraySlice<UInt8>
    public let publicKey: PublicKeyInfo
    public let subjectKeyIdentifier: ArraySlice<UInt8>?
    public let authorityKeyIdentifier: ArraySlice<UInt8>?
    /// BasicConstraints cA = TRUE.
    public let isCertificateAuthority: Bool
    /// The extensions' value of cRLDistributionPoints (its OCTET STRING's contents), when present.
    let crlDistributionPointsValue: ArraySlice<UInt8>?

    /// Lowercase hex SHA-256 of the DER.
    public var fingerprint: String { Hex.encode(digest) }

    /// Whether `hex` (either case) spells this certificate's SHA-256, without building a string.
    public func hasFingerprint(hex: some StringProtocol) -> Bool {
        // Contiguous bytes on both sides: this runs once per certificate of the fleet.
        var text = String(hex)
        return text.withUTF8 { utf8 in
            guard utf8.count == 2 * SHA256Digest.byteCount else { return false }
            return digest.withUnsafeBytes { raw in
                for index in 0..<raw.count {
                    guard let high = Hex.value(utf8[2 * index]), let low = Hex.value(utf8[2 * index + 1]),
                        high << 4 | low == raw[index]
                    else { return false }
                }
                return true
            }
        }
    }

    /// Big-endian, without leading zero bytes (at least one byte).
    public var serialNumber: [UInt8] { Array(serialNumberBytes) }

    /// The serial number as lowercase hex, at least two digits.
    public var serialNumberHex: String { Hex.encode(serialNumberBytes) }

    /// Issuer and subject are the same name (a root, or a self-issued certificate).
    public var isSelfIssued: Bool { issuerBytes.elementsEqual(subjectBytes) }

    /// The names as swift-certificates reads them, for messages (`CN=...,O=...`).
    /// Decoded on demand: the checks compare names as DER, which for DER (sorted
    /// SETs, one encoding per value) is the equality swift-certificates implements.
    public var issuer: DistinguishedName { Self.name(issuerBytes) }
    public var subject: DistinguishedName { Self.name(subjectBytes) }

    /// Whether the certificate names where its CRL is published (the extension is present).
    public var hasCRLDistributionPoints: Bool { crlDistributionPointsValue != nil }

    /// The URIs of its CRL distribution points (decoded on demand; validated by the walk).
    public var crlDistributionPoints: [String] {
        guard let value = crlDistributionPointsValue else { return [] }
        return (try? Self.distributionPointURIs(value, collect: true)) ?? []
    }

    static func name(_ bytes: ArraySlice<UInt8>) -> DistinguishedName {
        // The walk checked the Name's structure; swift-certificates keeps values it
        // cannot read as raw ASN.1, so this decode does not fail on what the walk accepted.
        (try? DistinguishedName(derEncoded: DER.parse(bytes))) ?? DistinguishedName()
    }
}

extension CertificateFields {
    /// Decodes a PEM string holding exactly one `CERTIFICATE` block.
    public static func decode(pem: String) -> Result<CertificateFields, X509Problem> {
        switch PEM.certificate(pem) {
        case .success(let der): return decode(der: der)
        case .failure(let problem): return .failure(problem)
        }
    }

    /// Decodes every block of a PEM bundle (`ca-chain/*.pem`); fails when the text
    /// is not PEM at all or a block is malformed.
    public static func decodeBundle(pem: String) -> Result<[Result<CertificateFields, X509Problem>], X509Problem> {
        let blocks: [PEM.Block]
        switch PEM.blocks(pem) {
        case .success(let decoded): blocks = decoded
        case .failure(let problem): return .failure(X509Problem("not a PEM bundle: \(problem.reason)"))
        }
        guard !blocks.isEmpty else { return .failure(X509Problem("no PEM block")) }
        return .success(
            blocks.map { block in
                guard block.label == PEM.certificateLabel else {
                    return .failure(X509Problem("PEM block is '\(block.label)', not a CERTIFICATE"))
                }
                return decode(der: block.der)
            })
    }

    /// Decodes a DER certificate.
    public static func decode(der: [UInt8]) -> Result<CertificateFields, X509Problem> {
        do {
            return .success(try CertificateFields(der: der))
        } catch let problem as X509Problem {
            return .failure(problem)
        } catch {
            return .failure(X509Problem("not a valid DER certificate: \(DERDiagnostics.describe(error))"))
        }
    }

    static let subjectKeyIdentifierOID: ASN1ObjectIdentifier = [2, 5, 29, 14]
    static let basicConstraintsOID: ASN1ObjectIdentifier = [2, 5, 29, 19]
    static let authorityKeyIdentifierOID: ASN1ObjectIdentifier = [2, 5, 29, 35]
    /// swift-certificates' limit, kept so both decoders accept the same certificates
    /// (and a hostile certificate cannot make the duplicate test quadratic).
    static let maximumExtensions = 32

    /// `Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
    /// signatureValue BIT STRING }` (RFC 5280 §4.1).
    init(der: [UInt8]) throws {
        let root = try DER.parse(der)
        let tbsNode = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw X509Problem("the certificate has no TBSCertificate") }
            guard tbs.identifier == .sequence else { throw ASN1Error.unexpectedFieldType(tbs.identifier) }
            guard let algorithm = nodes.next(), let signature = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "a certificate has three fields")
            }
            _ = try AlgorithmIdentifierValue(derEncoded: algorithm)
            _ = try ASN1BitString(derEncoded: signature)
            return tbs
        }
        self = try Self.tbs(tbsNode, der: der)
    }

    /// `TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER, signature
    /// AlgorithmIdentifier, issuer Name, validity Validity, subject Name, subjectPublicKeyInfo
    /// SubjectPublicKeyInfo, issuerUniqueID [1], subjectUniqueID [2], extensions [3] EXPLICIT Extensions }`.
    static func tbs(_ node: ASN1Node, der: [UInt8]) throws -> CertificateFields {
        try DER.sequence(node, identifier: .sequence) {
            (nodes: inout ASN1NodeCollection.Iterator) throws -> CertificateFields in
            let version = try DER.decodeDefaultExplicitlyTagged(
                &nodes, tagNumber: 0, tagClass: .contextSpecific, defaultValue: Int(0))
            guard (0...2).contains(version) else { throw X509Problem("invalid X.509 version \(version)") }
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            _ = try AlgorithmIdentifierValue(derEncoded: &nodes)
            let issuer = try Self.name(&nodes)
            guard let validity = nodes.next() else { throw X509Problem("the TBSCertificate ends before its validity") }
            let (notBefore, notAfter) = try DER.sequence(validity, identifier: .sequence) { times in
                guard let before = times.next(), let after = times.next() else {
                    throw X509Problem("the validity has fewer than two times")
                }
                return (try AuditTime(asn1Time: before), try AuditTime(asn1Time: after))
            }
            let subject = try Self.name(&nodes)
            guard let spkiNode = nodes.next() else { throw X509Problem("the TBSCertificate has no public key") }
            let key = try PublicKeyInfo(try SubjectPublicKeyInfoValue(derEncoded: spkiNode))
            // issuerUniqueID [1], subjectUniqueID [2] (not read), then extensions [3] EXPLICIT, in that order.
            var extensions = Extensions()
            var lastTag: UInt = 0
            while let next = nodes.next() {
                let tag = next.identifier.tagNumber
                guard next.identifier.tagClass == .contextSpecific, (1...3).contains(tag), tag > lastTag else {
                    throw ASN1Error.unexpectedFieldType(next.identifier)
                }
                lastTag = tag
                if tag == 3 {
                    extensions = try DER.explicitlyTagged(next, tagNumber: 3, tagClass: .contextSpecific) {
                        try Extensions($0)
                    }
                }
            }
            return CertificateFields(
                der: der, digest: SHA256.hash(data: der), serialNumberBytes: Self.normalized(serial),
                issuerBytes: issuer, subjectBytes: subject, notBefore: notBefore, notAfter: notAfter,
                subjectPublicKeyInfoBytes: spkiNode.encodedBytes, publicKey: key,
                subjectKeyIdentifier: extensions.subjectKeyIdentifier,
                authorityKeyIdentifier: extensions.authorityKeyIdentifier,
                isCertificateAuthority: extensions.isCertificateAuthority,
                crlDistributionPointsValue: extensions.crlDistributionPoints)
        }
    }

    /// Without leading zero bytes; `[0]` (its last byte) when the serial is zero.
    static func normalized(_ serial: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let trimmed = serial.drop(while: { $0 == 0 })
        return trimmed.isEmpty ? serial.suffix(1) : trimmed
    }

    /// `Name ::= SEQUENCE OF RelativeDistinguishedName`, `RelativeDistinguishedName ::= SET SIZE (1..MAX) OF
    /// SEQUENCE { type OBJECT IDENTIFIER, value ANY }`: its structure checked, its DER returned.
    static func name(_ nodes: inout ASN1NodeCollection.Iterator) throws -> ArraySlice<UInt8> {
        guard let node = nodes.next() else { throw X509Problem("a Name is missing") }
        try DER.sequence(node, identifier: .sequence) { names in
            while let relative = names.next() {
                guard relative.identifier == .set, case .constructed(let attributes) = relative.content else {
                    throw ASN1Error.unexpectedFieldType(relative.identifier)
                }
                var empty = true
                for attribute in attributes {
                    empty = false
                    try DER.sequence(attribute, identifier: .sequence) { parts in
                        _ = try ASN1ObjectIdentifier(derEncoded: &parts)
                        guard parts.next() != nil else { throw X509Problem("a name attribute has no value") }
                    }
                }
                if empty { throw X509Problem("a name has an empty set of attributes") }
            }
        }
        return node.encodedBytes
    }

    /// The extensions the checks read, from `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`,
    /// `Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
    struct Extensions {
        var subjectKeyIdentifier: ArraySlice<UInt8>?
        var authorityKeyIdentifier: ArraySlice<UInt8>?
        var isCertificateAuthority = false
        var crlDistributionPoints: ArraySlice<UInt8>?

        init() {}

        init(_ node: ASN1Node) throws {
            var seen: [ASN1ObjectIdentifier] = []
            try DER.sequence(node, identifier: .sequence) { list in
                while let item = list.next() {
                    let (oid, value) = try DER.sequence(item, identifier: .sequence) { parts in
                        let oid = try ASN1ObjectIdentifier(derEncoded: &parts)
                        _ = try DER.decodeDefault(&parts, defaultValue: false)
                        return (oid, try ASN1OctetString(derEncoded: &parts).bytes)
                    }
                    guard seen.count < CertificateFields.maximumExtensions else {
                        throw X509Problem("more than \(CertificateFields.maximumExtensions) extensions")
                    }
                    guard !seen.contains(oid) else { throw X509Problem("duplicate extension \(oid)") }
                    seen.append(oid)
                    try read(oid, value)
                }
            }
        }

        mutating func read(_ oid: ASN1ObjectIdentifier, _ value: ArraySlice<UInt8>) throws {
            switch oid {
            case CertificateFields.subjectKeyIdentifierOID:
                subjectKeyIdentifier = try ASN1OctetString(derEncoded: value).bytes
            case CertificateFields.authorityKeyIdentifierOID:
                // SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, authorityCertIssuer [1]
                // GeneralNames OPTIONAL, authorityCertSerialNumber [2] IMPLICIT INTEGER OPTIONAL }
                authorityKeyIdentifier = try DER.sequence(try DER.parse(value), identifier: .sequence) { parts in
                    let key: ASN1OctetString? = try DER.optionalImplicitlyTagged(
                        &parts, tag: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
                    // The issuer and serial are not read; only their order is checked.
                    var lastTag: UInt = 0
                    while let next = parts.next() {
                        let tag = next.identifier.tagNumber
                        guard next.identifier.tagClass == .contextSpecific, (1...2).contains(tag), tag > lastTag else {
                            throw ASN1Error.unexpectedFieldType(next.identifier)
                        }
                        lastTag = tag
                    }
                    return key?.bytes
                }
            case CertificateFields.basicConstraintsOID:
                // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
                isCertificateAuthority = try DER.sequence(try DER.parse(value), identifier: .sequence) { parts in
                    let isCA = try DER.decodeDefault(&parts, defaultValue: false)
                    let pathLength: Int? = try DER.optionalImplicitlyTagged(&parts)
                    guard pathLength == nil || isCA else {
                        throw X509Problem("basic constraints have a path length but no cA")
                    }
                    return isCA
                }
            case DecodedCertificate.cRLDistributionPointsOID:
                _ = try CertificateFields.distributionPointURIs(value, collect: false)
                crlDistributionPoints = value
            default:
                break
            }
        }
    }

    /// `CRLDistributionPoints ::= SEQUENCE OF DistributionPoint` (RFC 5280 §4.2.1.13): the URIs of the
    /// `fullName`s. `collect: false` only checks the structure.
    static func distributionPointURIs(_ value: ArraySlice<UInt8>, collect: Bool) throws -> [String] {
        var uris: [String] = []
        try DER.sequence(try DER.parse(value), identifier: .sequence) { points in
            while let point = points.next() {
                try DER.sequence(point, identifier: .sequence) { fields in
                    // distributionPoint [0] EXPLICIT DistributionPointName OPTIONAL; fullName [0] IMPLICIT GeneralNames.
                    guard let first = fields.next(), first.identifier.tagClass == .contextSpecific,
                        first.identifier.tagNumber == 0, case .constructed(let nameNodes) = first.content
                    else {
                        while fields.next() != nil {}
                        return
                    }
                    for name in nameNodes {
                        guard name.identifier.tagClass == .contextSpecific, name.identifier.tagNumber == 0,
                            case .constructed(let generalNames) = name.content
                        else { continue }
                        for general in generalNames {
                            // uniformResourceIdentifier [6] IMPLICIT IA5String.
                            guard general.identifier == ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific)
                            else { continue }
                            let uri = try ASN1IA5String(
                                derEncoded: general,
                                withIdentifier: ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific))
                            if collect { uris.append(String(uri)) }
                        }
                    }
                    while fields.next() != nil {}
                }
            }
        }
        return uris
    }
}
