import SwiftASN1

/// A certificate's public key as the audit sees it: its type, its size, and
/// for RSA the modulus the key-quality tests need.
///
/// Decoded from the DER `SubjectPublicKeyInfo` with swift-asn1, because
/// swift-certificates refuses exactly the keys this audit must find (RSA under
/// 2048 bits, DSA) and does not expose an RSA modulus.
public struct PublicKeyInfo: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `modulus` and `exponent` are big-endian without leading zero bytes.
        case rsa(modulus: [UInt8], exponent: [UInt8])
        /// `curve` is the curve's common name (`P-256`) or its OID.
        case ec(curve: String)
        /// `bits` is the size of the prime p; 0 when the parameters are inherited from the issuer.
        case dsa(bits: Int)
        case ed25519
        case ed448
        /// An algorithm the audit does not model (X25519, GOST, an unknown OID...).
        case unsupported(algorithm: String)
    }

    public var kind: Kind
    /// Key size in bits (RSA modulus, DSA p, EC field size); 0 when unknown.
    public var bits: Int

    public init(kind: Kind, bits: Int) {
        self.kind = kind
        self.bits = bits
    }

    /// `RSA-2048`, `EC P-256`, `DSA-2048`, `Ed25519`, `unsupported 1.3.101.110 (X25519)`.
    public var description: String {
        switch kind {
        case .rsa: return "RSA-\(bits)"
        case .ec(let curve): return "EC \(curve)"
        case .dsa: return bits > 0 ? "DSA-\(bits)" : "DSA"
        case .ed25519: return "Ed25519"
        case .ed448: return "Ed448"
        case .unsupported(let algorithm): return "unsupported key algorithm \(algorithm)"
        }
    }

    public var rsaModulus: [UInt8]? {
        if case .rsa(let modulus, _) = kind { return modulus }
        return nil
    }

    /// Whether swift-certificates 1.x accepts a certificate with this key
    /// (P-256/384/521, Ed25519, RSA of 2048 bits or more).
    var isAcceptedBySwiftCertificates: Bool {
        switch kind {
        case .rsa: return bits >= 2048
        case .ec(let curve): return ["P-256", "P-384", "P-521"].contains(curve)
        case .ed25519: return true
        case .dsa, .ed448, .unsupported: return false
        }
    }
}

/// OIDs of the key algorithms and curves the decoder names.
enum KeyAlgorithm {
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 1]
    static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 10]
    static let dsa: ASN1ObjectIdentifier = [1, 2, 840, 10040, 4, 1]
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let ed448: ASN1ObjectIdentifier = [1, 3, 101, 113]

    /// Named curves: OID → (name, field size in bits).
    static let curves: [ASN1ObjectIdentifier: (String, Int)] = [
        [1, 2, 840, 10045, 3, 1, 7]: ("P-256", 256),
        [1, 3, 132, 0, 34]: ("P-384", 384),
        [1, 3, 132, 0, 35]: ("P-521", 521),
        [1, 3, 132, 0, 10]: ("secp256k1", 256),
        [1, 2, 840, 10045, 3, 1, 1]: ("P-192", 192),
        [1, 3, 132, 0, 33]: ("P-224", 224),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 7]: ("brainpoolP256r1", 256),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 11]: ("brainpoolP384r1", 384),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 13]: ("brainpoolP512r1", 512),
    ]

    /// Names for OIDs that appear in certificates but are not signing keys the audit models.
    static let otherNames: [ASN1ObjectIdentifier: String] = [
        [1, 3, 101, 110]: "X25519",
        [1, 3, 101, 111]: "X448",
        [1, 2, 643, 2, 2, 19]: "GOST R 34.10-2001",
        [1, 2, 643, 7, 1, 1, 1, 1]: "GOST R 34.10-2012 256",
    ]

    static func name(_ oid: ASN1ObjectIdentifier) -> String {
        otherNames[oid].map { "\(oid) (\($0))" } ?? "\(oid)"
    }
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`.
struct AlgorithmIdentifierValue: DERImplicitlyTaggable, Sendable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var algorithm: ASN1ObjectIdentifier
    var parameters: ASN1Any?

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let parameters = nodes.next().map { ASN1Any(derEncoded: $0) }
            return AlgorithmIdentifierValue(algorithm: algorithm, parameters: parameters)
        }
    }

    init(algorithm: ASN1ObjectIdentifier, parameters: ASN1Any?) {
        self.algorithm = algorithm
        self.parameters = parameters
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(algorithm)
            if let parameters { try coder.serialize(parameters) }
        }
    }
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
struct SubjectPublicKeyInfoValue: DERImplicitlyTaggable, Sendable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var algorithm: AlgorithmIdentifierValue
    var key: ASN1BitString

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try AlgorithmIdentifierValue(derEncoded: &nodes)
            let key = try ASN1BitString(derEncoded: &nodes)
            return SubjectPublicKeyInfoValue(algorithm: algorithm, key: key)
        }
    }

    init(algorithm: AlgorithmIdentifierValue, key: ASN1BitString) {
        self.algorithm = algorithm
        self.key = key
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(algorithm)
            try coder.serialize(key)
        }
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017).
struct RSAPublicKeyValue: DERImplicitlyTaggable, Sendable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var modulus: ArraySlice<UInt8>
    var publicExponent: ArraySlice<UInt8>

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let modulus = try ArraySlice<UInt8>(derEncoded: &nodes)
            let exponent = try ArraySlice<UInt8>(derEncoded: &nodes)
            return RSAPublicKeyValue(modulus: modulus, publicExponent: exponent)
        }
    }

    init(modulus: ArraySlice<UInt8>, publicExponent: ArraySlice<UInt8>) {
        self.modulus = modulus
        self.publicExponent = publicExponent
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(modulus)
            try coder.serialize(publicExponent)
        }
    }
}

/// `Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }` (RFC 3279).
struct DSAParametersValue: DERImplicitlyTaggable, Sendable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var p: ArraySlice<UInt8>

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let p = try ArraySlice<UInt8>(derEncoded: &nodes)
            _ = try ArraySlice<UInt8>(derEncoded: &nodes)
            _ = try ArraySlice<UInt8>(derEncoded: &nodes)
            return DSAParametersValue(p: p)
        }
    }

    init(p: ArraySlice<UInt8>) { self.p = p }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in try coder.serialize(p) }
    }
}

/// A problem decoding X.509 material: what is wrong, in words a user can act on.
public struct X509Problem: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

extension PublicKeyInfo {
    /// Decodes a DER `SubjectPublicKeyInfo`.
    public init(subjectPublicKeyInfo der: ArraySlice<UInt8>) throws(X509Problem) {
        let spki: SubjectPublicKeyInfoValue
        do {
            spki = try SubjectPublicKeyInfoValue(derEncoded: der)
        } catch {
            throw X509Problem("SubjectPublicKeyInfo is not valid DER: \(DERDiagnostics.describe(error))")
        }
        try self.init(spki)
    }

    init(_ spki: SubjectPublicKeyInfoValue) throws(X509Problem) {
        let algorithm = spki.algorithm.algorithm
        let keyBytes = spki.key.bytes
        do {
            switch algorithm {
            case KeyAlgorithm.rsaEncryption, KeyAlgorithm.rsassaPSS:
                let rsa = try RSAPublicKeyValue(derEncoded: keyBytes)
                // swift-asn1 refuses a negative INTEGER and strips the sign byte of a positive one.
                guard !rsa.modulus.isEmpty else { throw X509Problem("the RSA modulus is empty") }
                let modulus = Array(rsa.modulus.drop(while: { $0 == 0 }))
                let exponent = Array(rsa.publicExponent.drop(while: { $0 == 0 }))
                self.init(kind: .rsa(modulus: modulus, exponent: exponent), bits: Self.bitLength(modulus))
            case KeyAlgorithm.ecPublicKey:
                guard let parameters = spki.algorithm.parameters else {
                    throw X509Problem("the EC key has no curve parameters")
                }
                guard let curve = try? ASN1ObjectIdentifier(asn1Any: parameters) else {
                    throw X509Problem("EC keys with explicit or implicit curve parameters are not supported")
                }
                let (name, bits) = KeyAlgorithm.curves[curve] ?? ("\(curve)", 0)
                self.init(kind: .ec(curve: name), bits: bits)
            case KeyAlgorithm.dsa:
                var bits = 0
                if let parameters = spki.algorithm.parameters,
                    let dss = try? DSAParametersValue(asn1Any: parameters)
                {
                    bits = Self.bitLength(Array(dss.p.drop(while: { $0 == 0 })))
                }
                self.init(kind: .dsa(bits: bits), bits: bits)
            case KeyAlgorithm.ed25519:
                self.init(kind: .ed25519, bits: 256)
            case KeyAlgorithm.ed448:
                self.init(kind: .ed448, bits: 456)
            default:
                self.init(kind: .unsupported(algorithm: KeyAlgorithm.name(algorithm)), bits: 0)
            }
        } catch let problem as X509Problem {
            throw problem
        } catch {
            throw X509Problem("the public key is not valid DER: \(DERDiagnostics.describe(error))")
        }
    }

    static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.first else { return 0 }
        return (bytes.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}

/// Turns swift-asn1 errors into short, stable reasons (their `description`
/// carries a source file and line, which means nothing to a user).
enum DERDiagnostics {
    static func describe(_ error: any Error) -> String {
        guard let asn1 = error as? ASN1Error else {
            if let problem = error as? X509Problem { return problem.reason }
            return "\(error)"
        }
        switch asn1.code {
        case .truncatedASN1Field: return "truncated (a field runs past the end of the data)"
        case .unexpectedFieldType: return "unexpected field type"
        case .invalidASN1Object: return "malformed ASN.1 object"
        case .invalidASN1IntegerEncoding: return "malformed INTEGER"
        case .unsupportedFieldLength: return "unsupported field length"
        case .invalidPEMDocument: return "not a PEM document"
        case .invalidStringRepresentation: return "malformed string"
        case .tooFewOIDComponents: return "malformed OBJECT IDENTIFIER"
        default: return "\(asn1.code)"
        }
    }
}
