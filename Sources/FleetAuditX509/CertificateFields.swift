import Crypto
import FleetAuditBase
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
/// The walk (`DERWalk`) locates the fields by offset instead of building
/// swift-asn1's node tree for the whole certificate, and hands each leaf it
/// reads (times, the public key, algorithm identifiers, extension values) to
/// swift-asn1 on its own few bytes. It is strict about the structure of the
/// fields it reads and of the whole DER: every TLV is checked as `DER.parse`
/// checks it (trailing bytes, lengths past the end, non-minimal encodings, depth).
/// What it does not do is judge what the audit never reads: the signature's
/// inner encoding, the contents of other extensions. `DecodedCertificate` (the
/// full swift-certificates decode) is the reference the equivalence tests
/// compare it with.
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

    /// swift-certificates' limit, kept so both decoders accept the same certificates
    /// (and a hostile certificate cannot make the duplicate test quadratic).
    static let maximumExtensions = 32

    /// `Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
    /// signatureValue BIT STRING }` (RFC 5280 §4.1).
    init(der: [UInt8]) throws {
        let layout = try der.withUnsafeBufferPointer { buffer throws -> Layout in
            var top = DERWalk(buffer, range: 0..<buffer.count, depth: 1)
            guard let certificate = try top.next() else { throw ASN1Error.truncatedASN1Field() }
            // swift-asn1 refuses bytes after the outermost TLV the same way.
            guard top.isAtEnd else { throw ASN1Error.invalidASN1Object(reason: "Trailing unparsed data is present") }
            guard certificate.identifier == .sequence, certificate.isConstructed else {
                throw ASN1Error.unexpectedFieldType(certificate.identifier)
            }
            var fields = try top.children(of: certificate)
            let tbs = try fields.required("the certificate's TBSCertificate")
            guard tbs.identifier == .sequence, tbs.isConstructed else {
                throw ASN1Error.unexpectedFieldType(tbs.identifier)
            }
            guard let algorithm = try fields.next(), let signature = try fields.next() else {
                throw ASN1Error.invalidASN1Object(reason: "a certificate has three fields")
            }
            try fields.finish()
            // Both are checked whole below.
            var layout = try Layout(tbs: tbs, in: fields)
            layout.outerAlgorithm = algorithm.range
            layout.signature = signature.range
            layout.signatureIsPlainBitString = Self.isPlainBitString(signature, in: buffer)
            return layout
        }
        // The leaves, decoded by swift-asn1 from their few bytes. The three read only to be
        // checked are decided here when they are what nearly every certificate holds (one of
        // the usual signature algorithms, byte for byte; a plain BIT STRING), which spares two
        // of every three `DER.parse` node lists and their reference counting; anything else
        // goes to swift-asn1, which gives its own error.
        if !Self.isKnownSignatureAlgorithm(der[layout.outerAlgorithm]) {
            _ = try AlgorithmIdentifierValue(derEncoded: DER.parse(der[layout.outerAlgorithm]))
        }
        if !layout.signatureIsPlainBitString {
            _ = try ASN1BitString(derEncoded: DER.parse(der[layout.signature]))
        }
        if !Self.isKnownSignatureAlgorithm(der[layout.tbsAlgorithm]) {
            _ = try AlgorithmIdentifierValue(derEncoded: DER.parse(der[layout.tbsAlgorithm]))
        }
        let (notBefore, notAfter) = try DER.sequence(DER.parse(der[layout.validity]), identifier: .sequence) { times in
            guard let before = times.next(), let after = times.next() else {
                throw X509Problem("the validity has fewer than two times")
            }
            return (try AuditTime(asn1Time: before), try AuditTime(asn1Time: after))
        }
        let spki = der[layout.subjectPublicKeyInfo]
        let key = try PublicKeyInfo(try SubjectPublicKeyInfoValue(derEncoded: DER.parse(spki)))
        var extensions = Extensions()
        for (oid, value) in layout.extensions { try extensions.read(oid, der[value]) }
        self.init(
            der: der, digest: SHA256.hash(data: der), serialNumberBytes: Self.normalized(der[layout.serial]),
            issuerBytes: der[layout.issuer], subjectBytes: der[layout.subject], notBefore: notBefore,
            notAfter: notAfter, subjectPublicKeyInfoBytes: spki, publicKey: key,
            subjectKeyIdentifier: extensions.subjectKeyIdentifier,
            authorityKeyIdentifier: extensions.authorityKeyIdentifier,
            isCertificateAuthority: extensions.isCertificateAuthority,
            crlDistributionPointsValue: extensions.crlDistributionPoints)
    }

    /// The DER of the signature algorithms CAs use (RSA with SHA-1, -256, -384, -512 and
    /// explicit NULL parameters; ECDSA with SHA-256, -384, -512; Ed25519 and Ed448, which
    /// sign the generated fleets), each accepted by `AlgorithmIdentifierValue(derEncoded:)`,
    /// as `DERLeafTests` checks.
    static let knownSignatureAlgorithms: [[UInt8]] = {
        let rsa: [UInt8] = [0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01]
        let ecdsa: [UInt8] = [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03]
        let edwards: [UInt8] = [0x30, 0x05, 0x06, 0x03, 0x2B, 0x65]
        return [0x0B, 0x0C, 0x0D, 0x05].map { rsa + [$0, 0x05, 0x00] } + [0x02, 0x03, 0x04].map { ecdsa + [$0] }
            + [0x70, 0x71].map { edwards + [$0] }
    }()

    static func isKnownSignatureAlgorithm(_ bytes: ArraySlice<UInt8>) -> Bool {
        knownSignatureAlgorithms.contains { $0.count == bytes.count && $0.elementsEqual(bytes) }
    }

    /// What `ASN1BitString(derEncoded:)` accepts, on a field the walk has checked: a
    /// primitive BIT STRING whose first content byte, the unused bits of the last
    /// byte, is below 8 (0 when no byte follows) and whose unused bits are zero.
    static func isPlainBitString(_ field: DERField, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard field.identifier == .bitString, !field.isConstructed, field.contentCount >= 1 else { return false }
        let unusedBits = bytes[field.contentStart]
        guard unusedBits < 8 else { return false }
        guard field.contentCount > 1 else { return unusedBits == 0 }
        return bytes[field.end - 1] & ~(UInt8.max << unusedBits) == 0
    }

    /// Where the fields the checks read lie in the DER, found by one `DERWalk`
    /// that also checks the structure of everything else.
    struct Layout {
        var serial: Range<Int> = 0..<0
        var tbsAlgorithm: Range<Int> = 0..<0
        var issuer: Range<Int> = 0..<0
        var validity: Range<Int> = 0..<0
        var subject: Range<Int> = 0..<0
        var subjectPublicKeyInfo: Range<Int> = 0..<0
        var outerAlgorithm: Range<Int> = 0..<0
        var signature: Range<Int> = 0..<0
        var signatureIsPlainBitString = false
        /// The extensions the checks read: which one, and its extnValue's contents.
        var extensions: [(KnownExtension, Range<Int>)] = []

        /// `TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER, signature
        /// AlgorithmIdentifier, issuer Name, validity Validity, subject Name, subjectPublicKeyInfo
        /// SubjectPublicKeyInfo, issuerUniqueID [1], subjectUniqueID [2], extensions [3] EXPLICIT Extensions }`.
        init(tbs: DERField, in parent: DERWalk) throws {
            var nodes = try parent.children(of: tbs)
            var first = try nodes.required("the TBSCertificate's serial number")
            if first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                try Self.version(first, nodes)
                first = try nodes.required("the TBSCertificate's serial number")
            }
            serial = try nodes.unsignedInteger(first)
            tbsAlgorithm = try nodes.constructed(.sequence, "the TBSCertificate's signature algorithm").range
            issuer = try Self.name(&nodes)
            // Validity and SubjectPublicKeyInfo are checked whole when swift-asn1 decodes them.
            validity = try nodes.constructed(.sequence, "the TBSCertificate's validity").range
            subject = try Self.name(&nodes)
            subjectPublicKeyInfo = try nodes.constructed(.sequence, "the TBSCertificate's public key").range
            // issuerUniqueID [1], subjectUniqueID [2] (not read), then extensions [3] EXPLICIT, in that order.
            var lastTag: UInt = 0
            while let next = try nodes.next() {
                let tag = next.identifier.tagNumber
                guard next.identifier.tagClass == .contextSpecific, (1...3).contains(tag), tag > lastTag else {
                    throw ASN1Error.unexpectedFieldType(next.identifier)
                }
                lastTag = tag
                if tag == 3 {
                    guard next.isConstructed else { throw ASN1Error.unexpectedFieldType(next.identifier) }
                    var explicit = try nodes.children(of: next)
                    let list = try explicit.constructed(.sequence, "the extensions")
                    try explicit.finish()
                    extensions = try Self.extensions(list, explicit)
                } else {
                    try nodes.validate(next)
                }
            }
        }

        /// `version [0] EXPLICIT INTEGER DEFAULT v1`: DER leaves out v1, so only 1 (v2) or 2 (v3) may be written.
        static func version(_ field: DERField, _ parent: DERWalk) throws {
            guard field.isConstructed else { throw ASN1Error.unexpectedFieldType(field.identifier) }
            var inner = try parent.children(of: field)
            let value = try inner.unsignedInteger(try inner.required("the version"))
            try inner.finish()
            guard value.count == 1, (1...2).contains(parent.bytes[value.lowerBound]) else {
                let shown = value.count == 1 ? "\(parent.bytes[value.lowerBound])" : "of \(value.count) bytes"
                throw X509Problem("invalid X.509 version \(shown)")
            }
        }

        /// `Name ::= SEQUENCE OF RelativeDistinguishedName`, `RelativeDistinguishedName ::= SET SIZE (1..MAX) OF
        /// SEQUENCE { type OBJECT IDENTIFIER, value ANY }`: its structure checked, its DER located.
        static func name(_ nodes: inout DERWalk) throws -> Range<Int> {
            let name = try nodes.constructed(.sequence, "a Name")
            var relatives = try nodes.children(of: name)
            while let relative = try relatives.next() {
                guard relative.identifier == .set, relative.isConstructed else {
                    throw ASN1Error.unexpectedFieldType(relative.identifier)
                }
                var attributes = try relatives.children(of: relative)
                var empty = true
                while let attribute = try attributes.next() {
                    empty = false
                    guard attribute.identifier == .sequence, attribute.isConstructed else {
                        throw ASN1Error.unexpectedFieldType(attribute.identifier)
                    }
                    var parts = try attributes.children(of: attribute)
                    _ = try parts.objectIdentifier(try parts.required("a name attribute's type"))
                    guard let value = try parts.next() else { throw X509Problem("a name attribute has no value") }
                    try parts.validate(value)
                    try parts.finish()
                }
                if empty { throw X509Problem("a name has an empty set of attributes") }
            }
            return name.range
        }

        /// `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`, `Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER,
        /// critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
        static func extensions(_ list: DERField, _ parent: DERWalk) throws -> [(KnownExtension, Range<Int>)] {
            var items = try parent.children(of: list)
            var seen: [DERField] = []
            var known: [(KnownExtension, Range<Int>)] = []
            let bytes = parent.bytes
            while let item = try items.next() {
                guard item.identifier == .sequence, item.isConstructed else {
                    throw ASN1Error.unexpectedFieldType(item.identifier)
                }
                var parts = try items.children(of: item)
                let oid = try parts.required("an extension's identifier")
                let oidBytes = UnsafeBufferPointer(rebasing: bytes[try parts.objectIdentifier(oid)])
                var value = try parts.required("an extension's value")
                if value.identifier == .boolean {
                    // DER leaves out the DEFAULT FALSE: present, it must be TRUE.
                    guard !value.isConstructed, value.contentCount == 1 else {
                        throw ASN1Error.invalidASN1Object(reason: "Invalid content for ASN1Bool")
                    }
                    switch bytes[value.contentStart] {
                    case 0xFF: break
                    case 0x00:
                        throw ASN1Error.invalidASN1Object(
                            reason: "DEFAULT for Bool present in DER but encoded at default value false")
                    default: throw ASN1Error.invalidASN1Object(reason: "Invalid byte for ASN1Bool")
                    }
                    value = try parts.required("an extension's value")
                }
                try DERWalk.requirePrimitive(value, .octetString, "ASN1OctetString")
                try parts.finish()
                guard seen.count < CertificateFields.maximumExtensions else {
                    throw X509Problem("more than \(CertificateFields.maximumExtensions) extensions")
                }
                guard !seen.contains(where: { bytes[$0.contentRange].elementsEqual(oidBytes) }) else {
                    let name = (try? ASN1ObjectIdentifier(derEncoded: Array(bytes[oid.range]))).map { "\($0)" } ?? "?"
                    throw X509Problem("duplicate extension \(name)")
                }
                seen.append(oid)
                if let which = KnownExtension(oid: oidBytes) { known.append((which, value.contentRange)) }
            }
            return known
        }
    }

    /// The extensions the checks read, by the contents of their OBJECT IDENTIFIER.
    enum KnownExtension {
        case subjectKeyIdentifier, authorityKeyIdentifier, basicConstraints, cRLDistributionPoints

        init?(oid: UnsafeBufferPointer<UInt8>) {
            // 2.5.29.x is 55 1D x.
            guard oid.count == 3, oid[0] == 0x55, oid[1] == 0x1D else { return nil }
            switch oid[2] {
            case 14: self = .subjectKeyIdentifier
            case 35: self = .authorityKeyIdentifier
            case 19: self = .basicConstraints
            case 31: self = .cRLDistributionPoints
            default: return nil
            }
        }
    }

    /// Without leading zero bytes; `[0]` (its last byte) when the serial is zero.
    static func normalized(_ serial: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let trimmed = serial.drop(while: { $0 == 0 })
        return trimmed.isEmpty ? serial.suffix(1) : trimmed
    }

    /// The extensions the checks read, from `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`,
    /// `Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
    struct Extensions {
        var subjectKeyIdentifier: ArraySlice<UInt8>?
        var authorityKeyIdentifier: ArraySlice<UInt8>?
        var isCertificateAuthority = false
        var crlDistributionPoints: ArraySlice<UInt8>?

        init() {}

        mutating func read(_ oid: KnownExtension, _ value: ArraySlice<UInt8>) throws {
            switch oid {
            case .subjectKeyIdentifier:
                subjectKeyIdentifier = try ASN1OctetString(derEncoded: value).bytes
            case .authorityKeyIdentifier:
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
            case .basicConstraints:
                // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
                isCertificateAuthority = try DER.sequence(try DER.parse(value), identifier: .sequence) { parts in
                    let isCA = try DER.decodeDefault(&parts, defaultValue: false)
                    let pathLength: Int? = try DER.optionalImplicitlyTagged(&parts)
                    guard pathLength == nil || isCA else {
                        throw X509Problem("basic constraints have a path length but no cA")
                    }
                    return isCA
                }
            case .cRLDistributionPoints:
                _ = try CertificateFields.distributionPointURIs(value, collect: false)
                crlDistributionPoints = value
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
