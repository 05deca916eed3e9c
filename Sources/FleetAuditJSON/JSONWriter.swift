/// Serialises `JSONValue`s the way the AWS CLI prints them (4-space indent,
/// members in insertion order, non-ASCII kept as UTF-8).
///
/// Written here rather than via `json_dumps` because outputs are streamed one
/// element at a time into larger documents (a findings list for a million
/// devices is never built as one tree), and because Swift's shortest
/// round-trip `Double` text keeps epoch timestamps such as `1559925941.924`
/// exactly as the input had them.
public enum JSONWriter {
    /// `value` as pretty-printed text, first line unindented, nested lines
    /// starting `level` indents deep (so it can be spliced into an enclosing document).
    public static func pretty(_ value: JSONValue, level: Int = 0) -> String {
        var output = ""
        write(value, level: level, pretty: true, into: &output)
        return output
    }

    /// `value` on one line without spaces (JSON Lines, SNS message strings, hashing).
    public static func compact(_ value: JSONValue) -> String {
        var output = ""
        write(value, level: 0, pretty: false, into: &output)
        return output
    }

    private static func indent(_ level: Int, into output: inout String) {
        output.append(String(repeating: " ", count: level * 4))
    }

    private static func write(_ value: JSONValue, level: Int, pretty: Bool, into output: inout String) {
        switch value {
        case .null: output.append("null")
        case .bool(let flag): output.append(flag ? "true" : "false")
        case .integer(let number): output.append(String(number))
        case .real(let number):
            output.append(number.isFinite ? "\(number)" : "null")
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            guard !elements.isEmpty else { return output.append("[]") }
            output.append("[")
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(",") }
                if pretty {
                    output.append("\n")
                    indent(level + 1, into: &output)
                }
                write(element, level: level + 1, pretty: pretty, into: &output)
            }
            if pretty {
                output.append("\n")
                indent(level, into: &output)
            }
            output.append("]")
        case .object(let object):
            guard !object.isEmpty else { return output.append("{}") }
            output.append("{")
            for (position, member) in object.members.enumerated() {
                if position > 0 { output.append(",") }
                if pretty {
                    output.append("\n")
                    indent(level + 1, into: &output)
                }
                writeString(member.key, into: &output)
                output.append(pretty ? ": " : ":")
                write(member.value, level: level + 1, pretty: pretty, into: &output)
            }
            if pretty {
                output.append("\n")
                indent(level, into: &output)
            }
            output.append("}")
        }
    }

    /// JSON string escaping (RFC 8259 §7): quote, backslash and control characters.
    /// Runs of bytes that need no escape are appended whole (most strings are one run).
    public static func writeString(_ text: String, into output: inout String) {
        output.append("\"")
        var text = text
        // Most strings (ids, names, ARNs, reasons) need no escape: appended whole they are
        // copied as they are, where a run cut out of the bytes would be decoded and checked
        // as UTF-8 again (this runs for every member of every finding).
        let needsEscape = text.withUTF8 { utf8 in utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
        guard needsEscape else {
            output.append(text)
            output.append("\"")
            return
        }
        text.withUTF8 { utf8 in
            var runStart = 0
            for (position, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                if runStart < position {
                    output.append(
                        String(decoding: UnsafeBufferPointer(rebasing: utf8[runStart..<position]), as: UTF8.self))
                }
                switch byte {
                case 0x22: output.append("\\\"")
                case 0x5C: output.append("\\\\")
                case 0x0A: output.append("\\n")
                case 0x0D: output.append("\\r")
                case 0x09: output.append("\\t")
                case 0x08: output.append("\\b")
                case 0x0C: output.append("\\f")
                default:
                    let hex = String(byte, radix: 16)
                    output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                }
                runStart = position + 1
            }
            if runStart < utf8.count {
                output.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[runStart...]), as: UTF8.self))
            }
        }
        output.append("\"")
    }
}
