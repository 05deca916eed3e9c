import SwiftASN1
import Testing

@testable import FleetAuditX509

/// The leaves `CertificateFields` decides without swift-asn1 (the usual signature
/// algorithms, a plain BIT STRING) are exactly ones swift-asn1 accepts.
@Suite struct DERLeafTests {
    @Test("every known signature algorithm is one AlgorithmIdentifierValue accepts")
    func knownAlgorithmsParse() throws {
        #expect(CertificateFields.knownSignatureAlgorithms.count == 9)
        for encoding in CertificateFields.knownSignatureAlgorithms {
            _ = try AlgorithmIdentifierValue(derEncoded: DER.parse(encoding))
            #expect(CertificateFields.isKnownSignatureAlgorithm(encoding[...]))
        }
        // One byte off is not known: it goes to swift-asn1.
        var changed = CertificateFields.knownSignatureAlgorithms[0]
        changed[changed.count - 1] = 0x01
        #expect(!CertificateFields.isKnownSignatureAlgorithm(changed[...]))
    }

    /// Every BIT STRING of up to three content bytes with every first byte up to 9
    /// and last bytes with each low bit pattern, primitive and constructed, and
    /// another tag: decided "plain" exactly when swift-asn1 accepts it.
    @Test("a plain BIT STRING is exactly what ASN1BitString accepts")
    func plainBitStrings() throws {
        var cases = 0
        var plain = 0
        for tag: UInt8 in [0x03, 0x23, 0x04] {
            for length in 0...3 {
                for unusedBits: UInt8 in 0...9 {
                    for last: UInt8 in [0x00, 0x01, 0x80, 0x0F, 0xF0, 0xFF] {
                        var bytes: [UInt8] = [tag, UInt8(length)]
                        if length >= 1 { bytes.append(unusedBits) }
                        if length >= 2 { bytes += [UInt8](repeating: 0xAA, count: length - 2) + [last] }
                        let accepted = (try? ASN1BitString(derEncoded: DER.parse(bytes))) != nil
                        let decided = bytes.withUnsafeBufferPointer { buffer -> Bool? in
                            var walk = DERWalk(buffer, range: 0..<buffer.count, depth: 1)
                            guard let field = try? walk.next() else { return nil }
                            return CertificateFields.isPlainBitString(field, in: buffer)
                        }
                        guard let decided else { continue }
                        cases += 1
                        if decided { plain += 1 }
                        #expect(decided == accepted, "\(bytes)")
                    }
                }
            }
        }
        #expect(cases > 300)
        #expect(plain > 50)
    }
}
