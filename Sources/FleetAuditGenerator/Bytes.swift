import FleetAuditBase
import FleetAuditCore

// The byte-level building blocks of the generator: a seeded random source,
// DER encoding, dates, and appending text to output buffers. Everything the
// generator writes is ASCII it produced itself, so no JSON escaping is needed
// except where a document is embedded as a string (`jsonStringBody`).

/// A `SplitMix64` stream of its own for every device (seed, purpose, index), so
/// chunks can be generated in any order on any number of threads.
struct SeededRandom {
    private var generator: SplitMix64

    init(seed: UInt64, stream: UInt64, index: UInt64) {
        generator = SplitMix64(
            state: SplitMix64.mix(seed ^ SplitMix64.mix(stream &+ SplitMix64.increment &* (index &+ 1))))
    }

    mutating func next() -> UInt64 { generator.next() }

    /// A value in `0..<bound` (bound > 0); the modulo bias is irrelevant here.
    mutating func below(_ bound: Int64) -> Int64 { Int64(next() % UInt64(max(1, bound))) }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

    /// True with probability `perMillion` / 1,000,000.
    mutating func chance(perMillion: Int) -> Bool { below(1_000_000) < perMillion }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = next()
            for _ in 0..<min(8, count - result.count) {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }
}

/// Minimal DER encoding (X.690) for the certificates and CRLs the generator assembles.
enum DER {
    static func length(_ count: Int, into out: inout [UInt8]) {
        if count < 0x80 {
            out.append(UInt8(count))
        } else if count < 0x100 {
            out.append(0x81)
            out.append(UInt8(count))
        } else if count < 0x1_0000 {
            out.append(0x82)
            out.append(UInt8(count >> 8))
            out.append(UInt8(count & 0xFF))
        } else {
            out.append(0x83)
            out.append(UInt8(count >> 16))
            out.append(UInt8((count >> 8) & 0xFF))
            out.append(UInt8(count & 0xFF))
        }
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        out.reserveCapacity(content.count + 5)
        length(content.count, into: &out)
        out.append(contentsOf: content)
        return out
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, Array(parts.joined())) }

    static func set(_ parts: [UInt8]...) -> [UInt8] { tlv(0x31, Array(parts.joined())) }

    /// A non-negative INTEGER from big-endian magnitude bytes.
    static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop(while: { $0 == 0 }))
        if bytes.isEmpty { bytes = [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return tlv(0x02, bytes)
    }

    static func integer(_ value: Int) -> [UInt8] {
        var magnitude: [UInt8] = []
        var rest = UInt64(value)
        repeat {
            magnitude.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        } while rest > 0
        return integer(magnitude)
    }

    static func octetString(_ bytes: [UInt8]) -> [UInt8] { tlv(0x04, bytes) }

    static func bitString(_ bytes: [UInt8]) -> [UInt8] { tlv(0x03, [0] + bytes) }

    static let trueBoolean: [UInt8] = [0x01, 0x01, 0xFF]

    // Object identifiers, pre-encoded.
    static let ed25519: [UInt8] = [0x06, 0x03, 0x2B, 0x65, 0x70]
    static let countryName: [UInt8] = [0x06, 0x03, 0x55, 0x04, 0x06]
    static let organizationName: [UInt8] = [0x06, 0x03, 0x55, 0x04, 0x0A]
    static let commonName: [UInt8] = [0x06, 0x03, 0x55, 0x04, 0x03]
    static let basicConstraints: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x13]
    static let keyUsage: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x0F]
    static let extendedKeyUsage: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x25]
    static let subjectKeyIdentifier: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x0E]
    static let authorityKeyIdentifier: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x23]
    static let crlDistributionPoints: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x1F]
    static let crlNumber: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x14]
    static let crlReason: [UInt8] = [0x06, 0x03, 0x55, 0x1D, 0x15]
    static let clientAuth: [UInt8] = [0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]

    /// `AlgorithmIdentifier { id-Ed25519 }` (RFC 8410: no parameters).
    static let ed25519Algorithm: [UInt8] = sequence(ed25519)

    static func extensionField(_ oid: [UInt8], critical: Bool, _ value: [UInt8]) -> [UInt8] {
        critical ? sequence(oid, trueBoolean, octetString(value)) : sequence(oid, octetString(value))
    }

    /// A Name of C (optional), O and CN attributes, in that order.
    static func name(country: String?, organization: String, commonName: String) -> [UInt8] {
        var rdns: [UInt8] = []
        if let country { rdns += set(sequence(countryName, tlv(0x13, Array(country.utf8)))) }
        rdns += set(sequence(organizationName, tlv(0x0C, Array(organization.utf8))))
        rdns += set(sequence(Self.commonName, tlv(0x0C, Array(commonName.utf8))))
        return tlv(0x30, rdns)
    }

    /// UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
    static func time(_ seconds: Int64) -> [UInt8] {
        let date = CivilTime(seconds: seconds)
        var text: [UInt8] = []
        if date.year >= 1950 && date.year < 2050 {
            Text.digits(date.year % 100, width: 2, into: &text)
        } else {
            Text.digits(date.year, width: 4, into: &text)
        }
        for part in [date.month, date.day, date.hour, date.minute, date.second] {
            Text.digits(part, width: 2, into: &text)
        }
        text.append(UInt8(ascii: "Z"))
        return tlv(date.year >= 1950 && date.year < 2050 ? 0x17 : 0x18, text)
    }
}

/// A UTC calendar time from epoch seconds (the calendar arithmetic is Core's `AuditTime`).
struct CivilTime {
    var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64

    init(seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        hour = rest / 3600
        minute = rest / 60 % 60
        second = rest % 60
        (year, month, day) = AuditTime.civilFromDays(days)
    }

    /// Epoch seconds of a UTC calendar date.
    static func seconds(year: Int64, month: Int64, day: Int64, hour: Int64 = 0) -> Int64 {
        AuditTime.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600
    }
}

/// Appending ASCII text to byte buffers, the way every output file is built.
enum Text {
    static func digits(_ value: Int64, width: Int = 1, into out: inout [UInt8]) {
        var scratch:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value < 0 ? UInt64(-value) : UInt64(value)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            if value < 0 { out.append(UInt8(ascii: "-")) }
            for _ in count..<max(count, width) { out.append(UInt8(ascii: "0")) }
            for position in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[position]) }
        }
    }

    static func digits(_ value: Int, width: Int = 1, into out: inout [UInt8]) {
        digits(Int64(value), width: width, into: &out)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: some Sequence<UInt8>, into out: inout [UInt8]) {
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        hex(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeHex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8? = nil
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            default: continue  // line breaks of the generated literals
            }
            if let first = high {
                out.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The PEM body of `der`, lines of 64 characters each ended by `newline`
    /// (`\n` in a file, the two characters `\n` inside a JSON string).
    static func pem(_ label: String, _ der: [UInt8], newline: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: "-----BEGIN \(label)-----".utf8)
        out.append(contentsOf: newline)
        var column = 0
        var index = 0
        func emit(_ character: UInt8) {
            out.append(character)
            column += 1
            if column == 64 {
                out.append(contentsOf: newline)
                column = 0
            }
        }
        while index + 3 <= der.count {
            let word = UInt32(der[index]) << 16 | UInt32(der[index + 1]) << 8 | UInt32(der[index + 2])
            emit(base64Alphabet[Int(word >> 18 & 0x3F)])
            emit(base64Alphabet[Int(word >> 12 & 0x3F)])
            emit(base64Alphabet[Int(word >> 6 & 0x3F)])
            emit(base64Alphabet[Int(word & 0x3F)])
            index += 3
        }
        let rest = der.count - index
        if rest > 0 {
            let word = UInt32(der[index]) << 16 | (rest == 2 ? UInt32(der[index + 1]) << 8 : 0)
            emit(base64Alphabet[Int(word >> 18 & 0x3F)])
            emit(base64Alphabet[Int(word >> 12 & 0x3F)])
            emit(rest == 2 ? base64Alphabet[Int(word >> 6 & 0x3F)] : UInt8(ascii: "="))
            emit(UInt8(ascii: "="))
        }
        if column != 0 { out.append(contentsOf: newline) }
        out.append(contentsOf: "-----END \(label)-----".utf8)
        out.append(contentsOf: newline)
    }

    /// ISO 8601 as the AWS CLI v2 prints it: `2026-01-12T09:07:12.431000+00:00`
    /// (`fraction` false: `2026-01-12T09:00:00+00:00`).
    static func iso(milliseconds: Int64, fraction: Bool, into out: inout [UInt8]) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        dateTime(seconds: seconds, separator: "T", into: &out)
        if fraction {
            out.append(UInt8(ascii: "."))
            digits(milliseconds - seconds * 1000, width: 3, into: &out)
            out.append(contentsOf: "000".utf8)
        }
        out.append(contentsOf: "+00:00".utf8)
    }

    /// `YYYY-MM-DD<separator>HH:MM:SS` in UTC: the part both timestamp forms share.
    static func dateTime(seconds: Int64, separator: Unicode.Scalar, into out: inout [UInt8]) {
        let date = CivilTime(seconds: seconds)
        digits(date.year, width: 4, into: &out)
        out.append(UInt8(ascii: "-"))
        digits(date.month, width: 2, into: &out)
        out.append(UInt8(ascii: "-"))
        digits(date.day, width: 2, into: &out)
        out.append(UInt8(ascii: separator))
        digits(date.hour, width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        digits(date.minute, width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        digits(date.second, width: 2, into: &out)
    }

    static func iso(milliseconds: Int64, fraction: Bool) -> String {
        var out: [UInt8] = []
        iso(milliseconds: milliseconds, fraction: fraction, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `2026-11-25 05:58:00.000`: the timestamp of AWS IoT log entries.
    static func logTimestamp(milliseconds: Int64, into out: inout [UInt8]) {
        let seconds = milliseconds / 1000
        dateTime(seconds: seconds, separator: " ", into: &out)
        out.append(UInt8(ascii: "."))
        digits(milliseconds % 1000, width: 3, into: &out)
    }

    /// A UUID-shaped string (version 4 layout) from 16 random bytes.
    static func uuid(_ random: inout SeededRandom, into out: inout [UInt8]) {
        var bytes = random.bytes(16)
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            hex(CollectionOfOne(byte), into: &out)
        }
    }

    /// `text` as the body of a JSON string (quotes, backslashes and line breaks escaped).
    static func jsonStringBody(_ text: String, into out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: out.append(byte)
            }
        }
    }
}

extension Array where Element == UInt8 {
    mutating func add(_ text: String) { append(contentsOf: text.utf8) }
}
