import Crypto

/// One certificate authority of the generated PKI. Every CA that signs holds
/// an Ed25519 key: Ed25519 signatures are deterministic (RFC 8032), so the same
/// seed gives the same certificate and CRL bytes, they are fast enough for a
/// million certificates, and swift-certificates verifies them (the revocation
/// checks verify each CRL's signature with its issuer's key).
struct Authority: Sendable {
    enum Role: Sendable {
        /// Registered in `ca-certificates.json` with this status.
        case registered(status: String)
        /// Only in `ca-chain/` (an intermediate AWS IoT does not know).
        case chainOnly
    }

    var slug: String
    var commonName: String
    var role: Role
    var name: [UInt8]
    var signingKey: Curve25519.Signing.PrivateKey?
    var subjectPublicKeyInfo: [UInt8]
    var keyIdentifier: [UInt8]
    var serial: [UInt8]
    var notBefore: Int64
    var notAfter: Int64
    var creationMilliseconds: Int64
    var der: [UInt8] = []
    var fingerprint: String = ""

    var crlURL: String { "http://crl.fleet.example.com/\(slug).crl" }

    var isRegistered: Bool {
        if case .registered = role { return true }
        return false
    }

    var status: String {
        if case .registered(let status) = role { return status }
        return "ACTIVE"
    }
}

/// Assembles certificates and CRLs from DER parts and signs them with Ed25519.
enum Signer {
    static let organization = "Example Fleet Inc"

    static func ed25519PublicKeyInfo(_ key: Curve25519.Signing.PublicKey) -> [UInt8] {
        DER.sequence(DER.ed25519Algorithm, DER.bitString(Array(key.rawRepresentation)))
    }

    /// The RFC 5280 method-1 key identifier: SHA-1 of the subjectPublicKey bits.
    static func keyIdentifier(_ subjectPublicKeyInfo: [UInt8]) -> [UInt8] {
        // The BIT STRING is the last element of the SPKI; its content after the unused-bits octet.
        guard let bits = lastElementContent(subjectPublicKeyInfo), bits.count > 1 else {
            return Array(Insecure.SHA1.hash(data: subjectPublicKeyInfo))
        }
        return Array(Insecure.SHA1.hash(data: bits.dropFirst()))
    }

    /// The content of the last element inside an outer SEQUENCE.
    private static func lastElementContent(_ der: [UInt8]) -> ArraySlice<UInt8>? {
        func header(_ position: Int) -> (content: Int, length: Int)? {
            guard position + 1 < der.count else { return nil }
            let first = Int(der[position + 1])
            if first < 0x80 { return (position + 2, first) }
            let count = first & 0x7F
            guard count <= 3, position + 2 + count <= der.count else { return nil }
            var length = 0
            for index in 0..<count { length = length << 8 | Int(der[position + 2 + index]) }
            return (position + 2 + count, length)
        }
        guard let outer = header(0) else { return nil }
        var position = outer.content
        var last: ArraySlice<UInt8>? = nil
        while position < outer.content + outer.length, let element = header(position) {
            let end = element.content + element.length
            guard end <= der.count else { return nil }
            last = der[element.content..<end]
            position = end
        }
        return last
    }

    /// A signed X.509 v3 certificate.
    static func certificate(
        serial: [UInt8], issuer: [UInt8], subject: [UInt8], notBefore: Int64, notAfter: Int64,
        subjectPublicKeyInfo: [UInt8], extensions: [[UInt8]], key: Curve25519.Signing.PrivateKey
    ) -> [UInt8] {
        let tbs = DER.sequence(
            [0xA0, 0x03, 0x02, 0x01, 0x02], DER.integer(serial), DER.ed25519Algorithm, issuer,
            DER.sequence(DER.time(notBefore), DER.time(notAfter)), subject, subjectPublicKeyInfo,
            DER.tlv(0xA3, DER.tlv(0x30, Array(extensions.joined()))))
        return signed(tbs, key: key)
    }

    static func signed(_ tbs: [UInt8], key: Curve25519.Signing.PrivateKey) -> [UInt8] {
        // BoringSSL's Ed25519 never fails for a valid key; an empty signature would only make a
        // certificate that does not verify, which the audit reports.
        let signature = (try? key.signature(for: tbs)).map(Array.init) ?? []
        return DER.sequence(tbs, DER.ed25519Algorithm, DER.bitString(signature))
    }

    static func caExtensions(_ authority: Authority, issuer: Authority?) -> [[UInt8]] {
        var extensions = [
            DER.extensionField(DER.basicConstraints, critical: true, DER.sequence(DER.trueBoolean)),
            DER.extensionField(DER.keyUsage, critical: true, [0x03, 0x02, 0x01, 0x06]),
            DER.extensionField(DER.subjectKeyIdentifier, critical: false, DER.octetString(authority.keyIdentifier)),
        ]
        if let issuer {
            extensions.append(
                DER.extensionField(
                    DER.authorityKeyIdentifier, critical: false, DER.sequence(DER.tlv(0x80, issuer.keyIdentifier))))
            extensions.append(distributionPoint(issuer.crlURL))
        }
        return extensions
    }

    static func distributionPoint(_ url: String) -> [UInt8] {
        DER.extensionField(
            DER.crlDistributionPoints, critical: false,
            DER.sequence(DER.sequence(DER.tlv(0xA0, DER.tlv(0xA0, DER.tlv(0x86, Array(url.utf8)))))))
    }

    /// A v2 CRL of `issuer` listing `entries` (serial, revocation time), signed by it.
    static func revocationList(
        issuer: Authority, thisUpdate: Int64, nextUpdate: Int64, number: Int,
        entries: [(serial: [UInt8], revoked: Int64, reason: UInt8)]
    ) -> [UInt8]? {
        guard let key = issuer.signingKey else { return nil }
        var revoked: [UInt8] = []
        for entry in entries {
            let reason = DER.sequence(DER.extensionField(DER.crlReason, critical: false, [0x0A, 0x01, entry.reason]))
            revoked += DER.sequence(DER.integer(entry.serial), DER.time(entry.revoked), reason)
        }
        var tbs = DER.integer(1) + DER.ed25519Algorithm + issuer.name + DER.time(thisUpdate) + DER.time(nextUpdate)
        if !revoked.isEmpty { tbs += DER.tlv(0x30, revoked) }
        let extensions =
            DER.extensionField(
                DER.authorityKeyIdentifier, critical: false, DER.sequence(DER.tlv(0x80, issuer.keyIdentifier)))
            + DER.extensionField(DER.crlNumber, critical: false, DER.integer(number))
        tbs += DER.tlv(0xA0, DER.tlv(0x30, extensions))
        return signed(DER.tlv(0x30, tbs), key: key)
    }
}

/// The CAs of a generated fleet. Their roles are fixed so that every CA-level
/// check has exactly one planted violation next to compliant look-alikes:
///
/// | CA | where | plants |
/// |---|---|---|
/// | root | registered ACTIVE, self-signed | issues a few devices; its CRL revokes the field and legacy CAs |
/// | issuing-1 | registered ACTIVE | issues most devices |
/// | issuing-2 | registered ACTIVE | expires 12 days after the export (CA_CERTIFICATE_EXPIRING_CHECK) |
/// | field | `ca-chain/` only | revoked by the root while devices chain to it (INTERMEDIATE_CA_REVOKED...) |
/// | legacy | registered ACTIVE | revoked by the root, no devices (REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK) |
/// | partner | registered ACTIVE | a ROCA key (CA_CERTIFICATE_KEY_QUALITY_CHECK); signs nothing here |
/// | retired | registered INACTIVE | out of scope of the CA checks |
struct AuthoritySet: Sendable {
    static let root = 0
    static let issuing1 = 1
    static let issuing2 = 2
    static let field = 3
    static let legacy = 4
    static let partner = 5
    static let retired = 6

    var all: [Authority]

    init(seed: UInt64, auditSeconds: Int64) {
        func key(_ index: Int) -> Curve25519.Signing.PrivateKey {
            var random = SeededRandom(seed: seed, stream: 100, index: UInt64(index))
            // 32 bytes are always a valid Ed25519 seed.
            return (try? Curve25519.Signing.PrivateKey(rawRepresentation: random.bytes(32)))
                ?? Curve25519.Signing.PrivateKey()
        }
        func serial(_ index: Int) -> [UInt8] {
            var random = SeededRandom(seed: seed, stream: 101, index: UInt64(index))
            var bytes = random.bytes(12)
            bytes[0] = bytes[0] & 0x3F | 0x40
            return bytes
        }
        let day: Int64 = 86_400
        let specs: [(String, String, Authority.Role, Int64, Int64)] = [
            (
                "fleet-root-ca", "Example Fleet Root CA", .registered(status: "ACTIVE"),
                CivilTime.seconds(year: 2023, month: 1, day: 1), CivilTime.seconds(year: 2043, month: 1, day: 1)
            ),
            (
                "fleet-issuing-ca-1", "Example Fleet Issuing CA 1", .registered(status: "ACTIVE"),
                CivilTime.seconds(year: 2023, month: 1, day: 2), CivilTime.seconds(year: 2038, month: 1, day: 2)
            ),
            (
                "fleet-issuing-ca-2", "Example Fleet Issuing CA 2", .registered(status: "ACTIVE"),
                auditSeconds - 5 * 365 * day, auditSeconds + 12 * day
            ),
            (
                "fleet-field-ca", "Example Fleet Field CA", .chainOnly,
                CivilTime.seconds(year: 2023, month: 3, day: 1), CivilTime.seconds(year: 2033, month: 3, day: 1)
            ),
            (
                "fleet-legacy-ca", "Example Fleet Legacy CA", .registered(status: "ACTIVE"),
                CivilTime.seconds(year: 2023, month: 1, day: 3), CivilTime.seconds(year: 2033, month: 1, day: 3)
            ),
            (
                "partner-device-ca", "Example Partner Device CA", .registered(status: "ACTIVE"),
                CivilTime.seconds(year: 2023, month: 5, day: 1), CivilTime.seconds(year: 2035, month: 5, day: 1)
            ),
            (
                "fleet-retired-ca", "Example Fleet Retired CA", .registered(status: "INACTIVE"),
                CivilTime.seconds(year: 2023, month: 1, day: 4), CivilTime.seconds(year: 2033, month: 1, day: 4)
            ),
        ]
        all = specs.enumerated().map { index, spec in
            let (slug, commonName, role, notBefore, notAfter) = spec
            let signingKey = index == Self.partner ? nil : key(index)
            let info =
                signingKey.map { Signer.ed25519PublicKeyInfo($0.publicKey) }
                ?? Text.decodeHex(KeyPool.roca2048[KeyPool.roca2048.count - 1])
            return Authority(
                slug: slug, commonName: commonName, role: role,
                name: DER.name(country: "US", organization: Signer.organization, commonName: commonName),
                signingKey: signingKey, subjectPublicKeyInfo: info, keyIdentifier: Signer.keyIdentifier(info),
                serial: serial(index), notBefore: notBefore, notAfter: notAfter,
                creationMilliseconds: (notBefore + 3 * 3600) * 1000 + Int64(index * 137))
        }
        // Everything but the root is signed by the root.
        let root = all[Self.root]
        for index in all.indices {
            let issuer = index == Self.root ? nil : root
            guard let rootKey = root.signingKey else { continue }
            all[index].der = Signer.certificate(
                serial: all[index].serial, issuer: root.name, subject: all[index].name,
                notBefore: all[index].notBefore, notAfter: all[index].notAfter,
                subjectPublicKeyInfo: all[index].subjectPublicKeyInfo,
                extensions: Signer.caExtensions(all[index], issuer: issuer), key: rootKey)
            all[index].fingerprint = Text.hex(SHA256.hash(data: all[index].der))
        }
    }

    /// The CAs that sign device certificates, with their share per million devices.
    static let deviceIssuers: [(authority: Int, perMillion: Int)] = [
        (root, 10_000), (field, 10_000), (issuing2, 150_000), (issuing1, 830_000),
    ]
}
