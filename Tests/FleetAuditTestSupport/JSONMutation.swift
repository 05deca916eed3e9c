// Seeded random changes to JSON text, shared by the tests that hold a fast
// reader to the full parse (the projected parse, the log lines read in place),
// drawn from `SplitMix64` so the corpus is the same on every run.

import FleetAuditBase

/// Random changes to a JSON element that keep it close to the original: most
/// copies stay almost valid, so both verdicts and the values behind them are
/// exercised.
public enum JSONMutation {
    public static let snippets: [[UInt8]] =
        [
            #"\u0000"#, #"\ud800"#, #"\udc00"#, #"\ud83d\ude00"#, #"\uD83D"#, #"\u00e9"#, #"\n"#, #"\x"#, #"\"#, #"""#,
            "1e400", "-1e309", "9223372036854775808", "-9223372036854775808", "-0", "1.5", "0.0e0", "01", "true",
            "null",
            "nul", ",", ":", "{", "}", "[", "]", "[[[[", "]]]]", "{}", "[]", " ", "\t", "\n", "\r",
        ].map { Array($0.utf8) } + [
            [0], [0x01], [0x0C], [0x1F], [0x7F], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC3, 0xA9], [0xC3],
            [0xE0, 0x80, 0x80], [0xE2, 0x82, 0xAC], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
            [0xF0, 0x9F, 0x98, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFE], [0xFF],
        ]

    public static let bytesToSet: [UInt8] = Array(#""\{}[],:0-e.u tfn"#.utf8) + [0, 0x0A, 0x1F, 0x80, 0xC3, 0xED, 0xFF]

    /// One random change: a byte replaced, a snippet inserted (anywhere, or
    /// inside a string), bytes deleted or repeated, a member repeated or its
    /// key escaped.
    public static func mutate(_ input: inout [UInt8], names: [String], using random: inout SplitMix64) {
        guard !input.isEmpty else { return }
        let position = Int.random(in: 0..<input.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0:
            input[position] = bytesToSet.randomElement(using: &random) ?? 0
        case 1:
            input.insert(contentsOf: snippets.randomElement(using: &random) ?? [], at: position)
        case 2:
            // Inside a string: just after some quote.
            let quotes = input.indices.filter { input[$0] == UInt8(ascii: "\"") }
            if let quote = quotes.randomElement(using: &random) {
                input.insert(contentsOf: snippets.randomElement(using: &random) ?? [], at: quote + 1)
            }
        case 3:
            input.removeSubrange(position..<min(input.count, position + Int.random(in: 1...8, using: &random)))
        case 4:
            let slice = Array(input[position..<min(input.count, position + Int.random(in: 1...40, using: &random))])
            input.insert(contentsOf: slice, at: Int.random(in: 0...input.count, using: &random))
        case 5:
            // A member given twice: a selected name, or one the selection does not hold.
            let name = Bool.random(using: &random) ? (names.randomElement(using: &random) ?? "x") : "ownedBy"
            if let brace = input.firstIndex(of: UInt8(ascii: "{")) {
                input.insert(contentsOf: Array(#""\#(name)":"again","#.utf8), at: brace + 1)
            }
        case 6:
            // A key written with an escape ("status" as "st\u0061tus"); the member stays the same.
            let name = names.randomElement(using: &random) ?? "x"
            let quoted = Array("\"\(name)\"".utf8)
            if let start = firstRange(of: quoted, in: input) {
                let cut = start + 1 + Int.random(in: 0..<name.utf8.count, using: &random)
                let scalar = String(input[cut], radix: 16)
                let escape = Array(("\\u" + String(repeating: "0", count: 4 - scalar.count) + scalar).utf8)
                input.replaceSubrange(cut...cut, with: escape)
            }
        default:
            // Nesting pushed past jansson's limit inside an unselected member, or kept just under it.
            let levels = Bool.random(using: &random) ? 2049 : 2046
            let nested = Array(
                (#""deep":"# + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + ",").utf8
            )
            if let brace = input.firstIndex(of: UInt8(ascii: "{")) { input.insert(contentsOf: nested, at: brace + 1) }
        }
    }

    public static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { start in
            haystack[start..<start + needle.count].elementsEqual(needle)
        }
    }

}
