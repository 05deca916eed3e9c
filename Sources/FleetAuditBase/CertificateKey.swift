/// An AWS IoT certificate id (64 hex digits, the SHA-256 of the DER) in 32
/// bytes: the compact key of per-certificate state (statuses, log sessions).
public struct CertificateKey: Hashable, Sendable, Comparable {
    var words: (UInt64, UInt64, UInt64, UInt64)

    /// Parses 64 hex digits, either case; nil for anything else (a principal that is not a certificate).
    public init?(hex text: some StringProtocol) {
        // The digits in place, with no array: this runs for every connection session of
        // a fleet's logs (and a generic walk over `utf8` cost a witness call a byte).
        var text = String(text)
        guard let words = text.withUTF8({ Self.words(hex: $0) }) else { return nil }
        self.words = words
    }

    private static func words(hex digits: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64)? {
        guard digits.count == 64 else { return nil }
        var words: [4 of UInt64] = [0, 0, 0, 0]
        for index in 0..<64 {
            let digit = digits[index]
            let value: UInt64
            switch digit {
            case 0x30...0x39: value = UInt64(digit - 0x30)
            case 0x41...0x46: value = UInt64(digit - 0x41 + 10)
            case 0x61...0x66: value = UInt64(digit - 0x61 + 10)
            default: return nil
            }
            words[index >> 4] = words[index >> 4] << 4 | value
        }
        return (words[0], words[1], words[2], words[3])
    }

    /// Lowercase hex, as AWS IoT prints certificate ids.
    public var hex: String {
        [words.0, words.1, words.2, words.3].map { word in
            let text = String(word, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    /// The four 64-bit words, most significant first (for compact records).
    public var bigEndianWords: [UInt64] { [words.0, words.1, words.2, words.3] }

    public init(bigEndianWords: [UInt64]) {
        let padded = bigEndianWords + Array(repeating: 0, count: max(0, 4 - bigEndianWords.count))
        words = (padded[0], padded[1], padded[2], padded[3])
    }

    /// The 32 bytes of the SHA-256.
    public var bytes: [UInt8] {
        bigEndianWords.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
    }

    /// From the 32 bytes of `bytes` (missing bytes are zeros).
    public init(bytes: [UInt8]) {
        self.init(
            bigEndianWords: (0..<4).map { word in
                bytes[min(bytes.count, word * 8)..<min(bytes.count, word * 8 + 8)].reduce(UInt64(0)) {
                    $0 << 8 | UInt64($1)
                }
            })
    }

    /// A hash that is the same in every run (SHA-256 bits are already uniform), for partitioning.
    public var stableHash: UInt64 { words.0 ^ (words.3 &* 0x9E37_79B9_7F4A_7C15) }

    public static func == (lhs: CertificateKey, rhs: CertificateKey) -> Bool { lhs.words == rhs.words }

    public static func < (lhs: CertificateKey, rhs: CertificateKey) -> Bool {
        [lhs.words.0, lhs.words.1, lhs.words.2, lhs.words.3].lexicographicallyPrecedes(
            [rhs.words.0, rhs.words.1, rhs.words.2, rhs.words.3])
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
