/// Makes text from a snapshot safe to print on a terminal.
///
/// Every string in a snapshot may be hostile: an ESC or CSI sequence in a policy
/// name can clear the screen, CR can overwrite the line before it (hiding a
/// CRITICAL finding), OSC 52 can set the clipboard. Human output therefore shows
/// such characters as text: C0 controls (including LF, CR and TAB), DEL and C1
/// controls as `\xNN` (the code point), invalid UTF-8 as `\xNN` (the byte), and
/// the characters that reorder or break lines (bidirectional overrides and
/// isolates, U+2028, U+2029) as `\u{NNNN}`. The result holds none of them, so
/// escaping twice changes nothing, and one value stays on one line.
///
/// Long values are cut at `limit` UTF-8 bytes with the length left stated
/// (`…(+149 MiB)`), so a 150 MiB name is not copied to the terminal.
/// JSON outputs never go through here: they keep the exact strings.
public enum TerminalText {
    /// The longest value shown whole in human output, in UTF-8 bytes: an ARN,
    /// a certificate id or a reason fits; a value padded to hide a line does not.
    public static let defaultLimit = 1024

    /// `text` escaped and, beyond `limit` bytes, shortened.
    public static func escape(_ text: String, limit: Int = defaultLimit) -> String {
        var output = ""
        var kept = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            if kept + width > limit {
                output += "…(+\(sizeText(text.utf8.count - kept)))"
                return output
            }
            kept += width
            appendEscaped(scalar, to: &output)
        }
        return output
    }

    /// Raw bytes (a file name from the directory listing) escaped: valid UTF-8
    /// as `escape(_:)` shows it, every byte of an invalid sequence as `\xNN`.
    public static func escape(bytes: some Collection<UInt8>, limit: Int = defaultLimit) -> String {
        let buffered = Array(bytes)
        var output = ""
        var position = 0
        while position < buffered.count {
            let length = validSequenceLength(buffered, at: position)
            let width = max(length, 1)
            if position + width > limit {
                output += "…(+\(sizeText(buffered.count - position)))"
                return output
            }
            if length == 0 {
                output += hex(buffered[position])
            } else {
                var decoder = UTF8()
                var slice = buffered[position..<position + length].makeIterator()
                if case .scalarValue(let scalar) = decoder.decode(&slice) { appendEscaped(scalar, to: &output) }
            }
            position += width
        }
        return output
    }

    /// Text made of lines (a summary): each line escaped, without shortening, the
    /// line breaks kept. For a final pass over output whose values were already
    /// escaped where they were inserted; it only catches what was missed.
    public static func escapeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map {
            escape(String($0), limit: Int.max)
        }.joined(separator: "\n")
    }

    /// JSON text for a terminal: DEL, C1 controls, bidirectional controls and
    /// U+2028/U+2029 written as `\uNNNN` escapes. The decoded strings are exactly
    /// the same (JSON allows any character escaped); only the bytes that a
    /// terminal would act on change. Such characters can only occur inside
    /// strings, where `\uNNNN` is valid.
    public static func jsonForTerminal(_ json: String) -> String {
        var output = ""
        output.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            if isHazard(scalar) && scalar.value >= 0x7F {
                let digits = String(scalar.value, radix: 16, uppercase: true)
                output += "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// A byte count as people read it: `300 bytes`, `12 KiB`, `149 MiB`.
    public static func sizeText(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1 << 20 { return "\(bytes >> 10) KiB" }
        if bytes < 1 << 30 { return "\(bytes >> 20) MiB" }
        return "\(bytes >> 30) GiB"
    }

    private static func isHazard(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to output: inout String) {
        guard isHazard(scalar) else {
            output.unicodeScalars.append(scalar)
            return
        }
        if scalar.value <= 0xFF {
            output += hex(UInt8(scalar.value))
        } else {
            output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    /// The length of the well-formed UTF-8 sequence at `position`, or 0 when the
    /// byte there does not start one (RFC 3629: no overlongs, surrogates or values
    /// above U+10FFFF).
    private static func validSequenceLength(_ bytes: [UInt8], at position: Int) -> Int {
        let first = bytes[position]
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            position + offset < bytes.count && range.contains(bytes[position + offset])
        }
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }
}
