import FleetAuditBase
import FleetAuditTestSupport
import Testing

@testable import FleetAuditJSON

/// Equality that also tells -0.0 from 0.0 (and would tell NaN payloads apart):
/// the projected parse must give the very same doubles as jansson.
func identical(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.real(let left), .real(let right)): return left.bitPattern == right.bitPattern
    case (.array(let left), .array(let right)):
        return left.count == right.count && zip(left, right).allSatisfy { identical($0, $1) }
    case (.object(let left), .object(let right)):
        return left.members.count == right.members.count
            && zip(left.members, right.members).allSatisfy { $0.key == $1.key && identical($0.value, $1.value) }
    default: return lhs == rhs
    }
}

/// The full parse restricted to the selected top-level members (values that
/// are not objects stay whole), the reference the projected parse must match.
func restricted(_ value: JSONValue, to selection: JSONMemberSelection) -> JSONValue {
    guard case .object(let object) = value else { return value }
    return .object(JSONObject(object.members.filter { selection.names.contains($0.key) }.map { ($0.key, $0.value) }))
}

/// What one buffer gave: the scanner's verdict, and whether the projected
/// parse agrees with the full parse. `nil` means they agree.
struct Disagreement: CustomStringConvertible {
    var input: [UInt8]
    var problem: String
    var description: String {
        let text = input.prefix(160).map { byte -> String in
            byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }.joined()
        return "\(problem): \(text)"
    }
}

func verdict(_ bytes: [UInt8]) -> JSONScanVerdict { scanned(bytes).verdict }

/// The scanner's verdict and the deepest value level it saw.
func scanned(_ bytes: [UInt8]) -> (verdict: JSONScanVerdict, deepest: Int) {
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return (.invalid, 0) }
        var scanner = JSONValidatingScanner(base: base, count: buffer.count)
        var found: [SelectedMemberRange] = []
        let verdict = scanner.scan(selection: nil, found: &found)
        return (verdict, scanner.deepestLevel)
    }
}

/// Compares the projected parse with the full parse of `bytes` for `selection`.
func disagreement(_ bytes: [UInt8], _ selection: JSONMemberSelection) -> Disagreement? {
    let full = JSONParser.parse(bytes)
    let (projected, fast) = bytes.withUnsafeBytes { JSONParser.projected($0, members: selection) }
    let (scan, deepest) = scanned(bytes)
    switch (full, projected) {
    case (.success(let whole), .success(let part)):
        guard identical(restricted(whole, to: selection), part) else {
            return Disagreement(input: bytes, problem: "projected value differs")
        }
        guard scan == .valid else { return Disagreement(input: bytes, problem: "scanner rejects a valid buffer") }
        if case .object = whole, !fast, deepest <= JSONParser.projectedBuildDepth {
            return Disagreement(input: bytes, problem: "valid object parsed by the slow path")
        }
    case (.failure(let wholeError), .failure(let partError)):
        guard wholeError == partError else {
            return Disagreement(input: bytes, problem: "errors differ: \(wholeError) vs \(partError)")
        }
        guard scan == .invalid else { return Disagreement(input: bytes, problem: "scanner accepts an invalid buffer") }
    case (.success, .failure(let error)):
        return Disagreement(input: bytes, problem: "projected parse fails (\(error)) where the full parse succeeds")
    case (.failure(let error), .success):
        return Disagreement(input: bytes, problem: "projected parse succeeds where the full parse fails (\(error))")
    }
    if let problem = scalarDisagreement(bytes, selection, projected: projected, fast: fast) {
        return Disagreement(input: bytes, problem: problem)
    }
    return nil
}

/// A selected value as `JSONParser.withSelectedScalars` saw it, kept past the call.
enum SeenScalar: Equatable {
    case absent
    case string([UInt8])
    case integer(Int64)
    case other

    init(_ view: JSONScalarView) {
        switch view {
        case .absent: self = .absent
        case .string(let bytes): self = .string(Array(bytes))
        case .integer(let number): self = .integer(number)
        case .other: self = .other
        }
    }

    /// What the reader must see for a value of the projected parse.
    init(_ value: JSONValue?) {
        switch value {
        case nil: self = .absent
        case .string(let text)?: self = .string(Array(text.utf8))
        case .integer(let number)?: self = .integer(number)
        default: self = .other
        }
    }
}

/// Compares the in-place reader with the projected parse: it sees exactly the
/// projected values, and declines only what its contract leaves to the parse
/// (no fast object, a selected real, a selected string with an escape).
func scalarDisagreement(
    _ bytes: [UInt8], _ selection: JSONMemberSelection, projected: Result<JSONValue, JSONSyntaxError>, fast: Bool
) -> String? {
    var seen: [SeenScalar]? = nil
    let read = bytes.withUnsafeBytes { buffer in
        JSONParser.withSelectedScalars(buffer, members: selection) { views in seen = views.map(SeenScalar.init) }
    }
    guard read == (seen != nil) else { return "scalars: the result and the call of the body disagree" }
    guard fast, case .success(.object(let object)) = projected else {
        return seen == nil ? nil : "scalars read from a buffer the projected parse did not take fast"
    }
    guard let seen else {
        let declinable =
            object.members.contains { member in
                if case .real = member.value { return true }
                return false
            } || selectedStringsHaveEscapes(bytes, selection)
        return declinable ? nil : "scalars declined for a plain object"
    }
    let differing = selection.names.indices.filter { seen[$0] != SeenScalar(object[selection.names[$0]]) }
    return differing.isEmpty
        ? nil : "scalars differ from the projected values: \(differing.map { selection.names[$0] })"
}

func selectedStringsHaveEscapes(_ bytes: [UInt8], _ selection: JSONMemberSelection) -> Bool {
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return false }
        var scanner = JSONValidatingScanner(base: base, count: buffer.count)
        var found: [SelectedMemberRange] = []
        _ = scanner.scan(selection: selection, found: &found)
        return found.contains { range in
            base[range.start] == UInt8(ascii: "\"") && buffer[range.start..<range.end].contains(UInt8(ascii: "\\"))
        }
    }
}

@Suite("Projected parse: hand-written corpus")
struct JSONProjectionCorpusTests {
    static let selection = JSONMemberSelection(["a", "sel", "é", "k\u{1F600}"])

    /// Each case: the text (Latin-1 escapes \u{80}-\u{FF} stand for raw bytes
    /// via `bytes(_:)`) and whether jansson accepts it.
    static let cases: [(String, [UInt8], Bool)] = [
        ("plain", bytes(#"{"a":1,"b":"x","sel":[1,2,{"c":null}]}"#), true),
        ("whitespace variants", bytes("\r\n\t {\n\t\"a\" \r:\t 1 \n,\r\"b\"\t:[ ]\n}\r\n \t"), true),
        ("form feed is not whitespace", bytes("{\"a\":1,\u{0C}\"b\":2}"), false),
        ("vertical tab is not whitespace", bytes("{\"a\":1\u{0B}}"), false),
        ("empty object", bytes("{}"), true),
        ("empty members", bytes(#"{"a":{},"sel":[],"b":"","c":[[]],"d":{"e":{}}}"#), true),
        ("duplicate selected key", bytes(#"{"a":1,"a":2}"#), false),
        ("duplicate unselected key", bytes(#"{"b":1,"a":0,"b":2}"#), false),
        ("duplicate key in nested object", bytes(#"{"a":{"x":1,"y":2,"x":3}}"#), false),
        ("duplicate key in unselected nested object", bytes(#"{"b":[{"x":1},{"x":1,"x":1}]}"#), false),
        ("same key in sibling objects", bytes(#"{"a":{"x":1},"b":{"x":1},"x":{"x":{"x":1}}}"#), true),
        ("duplicate key through an escape", bytes(#"{"a":1,"\u0061":2}"#), false),
        ("duplicate unselected key through escapes", bytes(#"{"b\n":1,"b\u000a":2}"#), false),
        ("duplicate key through a surrogate pair", bytes("{\"\\ud83d\\ude00\":1,\"\u{1F600}\":2}"), false),
        ("escaped selected key", bytes(#"{"\u0061":1,"s\u0065l":"v","b":2}"#), true),
        ("selected key written in UTF-8 and escaped", bytes(#"{"\u00e9":1,"k\ud83d\ude00":true}"#), true),
        ("selected key in raw UTF-8", bytes("{\"é\":\"ü\",\"k\u{1F600}\":[\"\u{1F600}\"]}"), true),
        ("similar keys", bytes(#"{"se":1,"sell":2,"Sel":3,"sel ":4,"a\u0000b":5}"#), false),
        ("similar keys without NUL", bytes(#"{"se":1,"sell":2,"Sel":3,"sel ":4,"sel":5}"#), true),
        (
            "every escape in a selected value",
            bytes(#"{"a":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\uFFFF\ud800\udc00\uDBFF\uDFFF","b":1}"#), true
        ),
        (
            "every escape in an unselected value", bytes(#"{"b":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00"}"#),
            true
        ),
        ("escape of a quote at the end", bytes(#"{"a":"x\"","sel":"\\"}"#), true),
        ("unknown escape", bytes(#"{"b":"\a"}"#), false),
        ("escaped single quote", bytes(#"{"b":"\'"}"#), false),
        ("short \\u escape", bytes(#"{"b":"\u12"}"#), false),
        ("\\u with non-hex digit", bytes(#"{"b":"\u12G4"}"#), false),
        ("\\U is not an escape", bytes(#"{"b":"\U0041"}"#), false),
        ("\\u0000 in a selected value", bytes(#"{"a":"x\u0000"}"#), false),
        ("\\u0000 in an unselected value", bytes(#"{"b":"\u0000"}"#), false),
        ("\\u0000 in a key", bytes(#"{"b\u0000":1}"#), false),
        ("\\u0000 in a nested key", bytes(#"{"b":{"\u0000":1}}"#), false),
        ("lone high surrogate", bytes(#"{"b":"\ud800"}"#), false),
        ("lone high surrogate then text", bytes(#"{"b":"\ud800abcdef"}"#), false),
        ("lone low surrogate", bytes(#"{"b":"\udc00"}"#), false),
        ("high surrogate then non-surrogate escape", bytes(#"{"b":"\ud800\u0041"}"#), false),
        ("high surrogate then high surrogate", bytes(#"{"b":"\ud800\ud800"}"#), false),
        ("high surrogate then \\n", bytes(#"{"b":"\ud800\n"}"#), false),
        ("swapped surrogates", bytes(#"{"a":"\udc00\ud800"}"#), false),
        ("surrogate pair in a key", bytes(#"{"\ud83d\ude00":1}"#), true),
        ("lone surrogate in a key", bytes(#"{"\udfff":1}"#), false),
        ("raw control byte in a string", bytes("{\"b\":\"x\u{01}\"}"), false),
        ("raw tab in a string", bytes("{\"b\":\"x\ty\"}"), false),
        ("raw newline in a key", bytes("{\"b\ny\":1}"), false),
        ("raw DEL in a string", bytes("{\"b\":\"\u{7F}\"}"), true),
        ("raw NUL in a string", [UInt8](#"{"b":"x"#.utf8) + [0] + [UInt8](#""}"#.utf8), false),
        ("raw NUL after a number", [UInt8](#"{"a":1"#.utf8) + [0] + [UInt8](#","b":2}"#.utf8), true),
        ("raw NUL after a nested number", [UInt8](#"{"a":[1"#.utf8) + [0] + [UInt8](#"],"b":2}"#.utf8), true),
        ("raw NUL after a real", [UInt8](#"{"a":1.5e3"#.utf8) + [0] + [UInt8](#"}"#.utf8), true),
        ("raw NUL after a literal", [UInt8](#"{"b":true"#.utf8) + [0] + [UInt8](#","a":null"#.utf8) + [0, 0x7D], true),
        ("raw NUL in a nested selected object", [UInt8](#"{"a":{"x":false"#.utf8) + [0] + [UInt8](#"}}"#.utf8), true),
        ("two raw NULs after a number", [UInt8](#"{"a":1"#.utf8) + [0, 0] + [UInt8](#"}"#.utf8), false),
        ("raw NUL after whitespace", [UInt8](#"{"a":1 "#.utf8) + [0] + [UInt8](#"}"#.utf8), false),
        ("raw NUL after a string", [UInt8](#"{"a":"x""#.utf8) + [0] + [UInt8](#"}"#.utf8), false),
        ("raw NUL after an object", [UInt8](#"{"a":{}"#.utf8) + [0] + [UInt8](#"}"#.utf8), false),
        ("raw NUL after the element", [UInt8](#"{"a":1}"#.utf8) + [0], false),
        ("raw NUL before a value", [UInt8](#"{"a":"#.utf8) + [0] + [UInt8](#"1}"#.utf8), false),
        ("raw NUL after a minus", [UInt8](#"{"a":-"#.utf8) + [0] + [UInt8](#"1}"#.utf8), false),
        (
            "valid UTF-8 of every length",
            bytes("{\"a\":\"é€\u{1F600}\u{10FFFF}\u{FFFF}\u{80}\u{7FF}\u{800}\",\"b\":\"ü\"}"), true
        ),
        ("invalid UTF-8: lone continuation byte", raw(#"{"b":"x\x80"}"#), false),
        ("invalid UTF-8 in a selected value", raw(#"{"a":"\xC3"}"#), false),
        ("invalid UTF-8: truncated 3-byte sequence", raw(#"{"b":"\xE2\x82"}"#), false),
        ("invalid UTF-8: truncated at the end", raw(#"{"b":"\xF0\x9F\x98"#), false),
        ("overlong 2-byte NUL", raw(#"{"b":"\xC0\x80"}"#), false),
        ("overlong 2-byte slash", raw(#"{"b":"\xC1\xAF"}"#), false),
        ("overlong 3-byte", raw(#"{"b":"\xE0\x80\xAF"}"#), false),
        ("overlong 3-byte at the boundary", raw(#"{"b":"\xE0\x9F\xBF"}"#), false),
        ("smallest 3-byte", raw(#"{"a":"\xE0\xA0\x80"}"#), true),
        ("overlong 4-byte", raw(#"{"b":"\xF0\x8F\xBF\xBF"}"#), false),
        ("smallest 4-byte", raw(#"{"a":"\xF0\x90\x80\x80"}"#), true),
        ("encoded surrogate", raw(#"{"b":"\xED\xA0\x80"}"#), false),
        ("last before surrogates", raw(#"{"a":"\xED\x9F\xBF"}"#), true),
        ("first after surrogates", raw(#"{"a":"\xEE\x80\x80"}"#), true),
        ("above U+10FFFF", raw(#"{"b":"\xF4\x90\x80\x80"}"#), false),
        ("U+10FFFF", raw(#"{"a":"\xF4\x8F\xBF\xBF"}"#), true),
        ("5-byte lead", raw(#"{"b":"\xF8\x88\x80\x80\x80"}"#), false),
        ("byte FF", raw(#"{"b":"\xFF"}"#), false),
        ("byte FE", raw(#"{"b":"\xFE"}"#), false),
        ("invalid UTF-8 in a key", raw(#"{"\xC3(":1}"#), false),
        ("invalid UTF-8 in a selected key", raw(#"{"a\xA9":1}"#), false),
        ("valid UTF-8 outside strings", raw(#"{"a":1, \xC3\xA9}"#), false),
        ("invalid UTF-8 outside strings", raw(#"{"a":1}\xFF"#), false),
        ("UTF-8 byte order mark", raw(#"\xEF\xBB\xBF{"a":1}"#), false),
        ("integers at the edges", bytes(#"{"a":[0,-0,9223372036854775807,-9223372036854775808,1,-1],"b":-0}"#), true),
        ("integer above Int64", bytes(#"{"a":9223372036854775808}"#), false),
        ("unselected integer above Int64", bytes(#"{"b":[9223372036854775808]}"#), false),
        ("integer below Int64", bytes(#"{"b":-9223372036854775809}"#), false),
        ("integer with 20 digits", bytes(#"{"b":10000000000000000000}"#), false),
        ("integer 19 nines", bytes(#"{"b":9999999999999999999}"#), false),
        ("18 nines", bytes(#"{"a":999999999999999999,"b":-999999999999999999}"#), true),
        ("leading zero", bytes(#"{"b":01}"#), false),
        ("negative leading zero", bytes(#"{"b":-01}"#), false),
        ("plus sign", bytes(#"{"b":+1}"#), false),
        ("lone minus", bytes(#"{"b":-}"#), false),
        ("minus then letter", bytes(#"{"b":-a}"#), false),
        ("reals", bytes(#"{"a":[-0.0,0.5,1e2,1E+2,1e-2,-1.5e-3,2.5E10,1767620882.117,0e0,123.456e-7],"b":1.0}"#), true),
        (
            "reals at the edges",
            bytes(#"{"a":[1e308,1.7976931348623157e308,-1.7976931348623157e308,4.9e-324,1e-400,-1e-400]}"#), true
        ),
        ("real overflow", bytes(#"{"a":1e400}"#), false),
        ("unselected real overflow", bytes(#"{"b":[-1e309]}"#), false),
        ("real just above the largest double", bytes(#"{"b":1.7976931348623159e308}"#), false),
        ("real that rounds down to the largest double", bytes(#"{"a":1.79769313486231580793e308}"#), true),
        ("zero with a huge exponent", bytes(#"{"a":0e99999999999999,"b":0.000e400}"#), true),
        (
            "many digits with a small value",
            bytes(#"{"a":0.00000000000000000000000000000000000000000000000000000000000000000000000001e300}"#), true
        ),
        ("long integer part of a real", bytes("{\"b\":1" + String(repeating: "0", count: 320) + ".5}"), false),
        ("long real below the bound", bytes("{\"a\":1" + String(repeating: "0", count: 300) + ".5}"), true),
        ("huge negative exponent", bytes(#"{"a":1e-99999999999999999999}"#), true),
        ("dot without digits", bytes(#"{"b":1.}"#), false),
        ("dot then exponent", bytes(#"{"b":1.e5}"#), false),
        ("leading dot", bytes(#"{"b":.5}"#), false),
        ("exponent without digits", bytes(#"{"b":1e}"#), false),
        ("exponent sign without digits", bytes(#"{"b":1e+}"#), false),
        ("two dots", bytes(#"{"b":1.2.3}"#), false),
        ("hex number", bytes(#"{"b":0x10}"#), false),
        ("number then letter", bytes(#"{"b":1x}"#), false),
        ("literals", bytes(#"{"a":[true,false,null],"sel":false,"b":null}"#), true),
        ("capitalised literal", bytes(#"{"b":True}"#), false),
        ("literal with extra letters", bytes(#"{"b":nulls}"#), false),
        ("short literal", bytes(#"{"b":tru}"#), false),
        ("literal then digit", bytes(#"{"b":true1}"#), false),
        ("NaN", bytes(#"{"b":NaN}"#), false),
        ("Infinity", bytes(#"{"b":-Infinity}"#), false),
        ("single-quoted string", bytes(#"{"b":'x'}"#), false),
        ("unquoted key", bytes(#"{b:1}"#), false),
        ("trailing comma in object", bytes(#"{"a":1,}"#), false),
        ("trailing comma in array", bytes(#"{"b":[1,]}"#), false),
        ("leading comma in array", bytes(#"{"b":[,1]}"#), false),
        ("missing comma", bytes(#"{"a":1 "b":2}"#), false),
        ("missing colon", bytes(#"{"a" 1}"#), false),
        ("double colon", bytes(#"{"a"::1}"#), false),
        ("missing value", bytes(#"{"a":}"#), false),
        ("colon in array", bytes(#"{"b":[1:2]}"#), false),
        ("mismatched brackets", bytes(#"{"b":[1}"#), false),
        ("unclosed object", bytes(#"{"a":1"#), false),
        ("unclosed nested", bytes(#"{"a":{"x":[1,2"#), false),
        ("unterminated string", bytes(#"{"a":"abc"#), false),
        ("unterminated key", bytes(#"{"ab"#), false),
        ("backslash at the end", bytes(#"{"a":"abc\"#), false),
        ("trailing garbage", bytes(#"{"a":1}x"#), false),
        ("trailing second object", bytes(#"{"a":1}{"a":2}"#), false),
        ("trailing comma after the element", bytes(#"{"a":1},"#), false),
        ("trailing whitespace", bytes("{\"a\":1} \n\t\r"), true),
        ("extra closing brace", bytes(#"{"a":1}}"#), false),
        ("comment", bytes("{\"a\":1 /* x */}"), false),
        (
            "long strings",
            bytes(
                "{\"a\":\"" + String(repeating: "abcdefgh\\n", count: 200) + "\",\"b\":\""
                    + String(repeating: "0123456789", count: 200) + "\"}"), true
        ),
        (
            "long string with a late bad escape",
            raw("{\"b\":\"" + String(repeating: "abcdefgh", count: 100) + "\\x\"}"), false
        ),
        (
            "long string with a late control byte",
            bytes("{\"b\":\"" + String(repeating: "abcdefgh", count: 100) + "\u{1F}\"}"), false
        ),
        (
            "quote at every word offset", bytes(#"{"a":"1234567","b":"12345678","c":"123456789","d":"1\"2345678"}"#),
            true
        ),
        (
            "selected values of every kind",
            bytes(#"{"a":{"x":[1,{"y":"z"}],"w":-2.5},"sel":"s","é":[null,true],"k😀":-7}"#), true
        ),
    ]

    /// Text written with \xHH escapes for raw bytes, the rest as UTF-8.
    static func raw(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 3 < scalars.count, scalars[index + 1] == "x",
                let value = UInt8(String(scalars[index + 2]) + String(scalars[index + 3]), radix: 16)
            {
                result.append(value)
                index += 4
            } else {
                result.append(contentsOf: Array(String(scalars[index]).utf8))
                index += 1
            }
        }
        return result
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("each case: jansson's verdict as written down, and the projected parse agrees", arguments: cases.indices)
    func corpusCase(_ index: Int) {
        let (name, input, accepted) = Self.cases[index]
        let full = JSONParser.parse(input)
        #expect(full.isSuccess == accepted, "\(name): jansson \(full)")
        for selection in [Self.selection, JSONMemberSelection([]), JSONMemberSelection(["b", "a", "zzz"])] {
            let problem = disagreement(input, selection)
            #expect(problem == nil, "\(name): \(problem?.description ?? "")")
        }
    }

    @Test("selected members come back in document order with their exact values")
    func exactValues() {
        let input = Array(
            #"{"z":1,"sel":"a\nb\u00e9\ud83d\ude00","b":[1],"a":{"n":-9223372036854775808,"r":-0.0,"e":1.5e-3}}"#.utf8)
        let result = input.withUnsafeBytes { JSONParser.parse($0, members: Self.selection) }
        let expected: JSONValue = [
            "sel": "a\nbé😀",
            "a": ["n": .integer(Int64.min), "r": .real(-0.0), "e": .real(0.0015)],
        ]
        guard case .success(let value) = result else {
            Issue.record("failed: \(result)")
            return
        }
        #expect(identical(value, expected))
        #expect(value.objectValue?.keys == ["sel", "a"])
    }

    @Test("an element that is not an object comes back whole, as the full parse gives it")
    func notAnObject() {
        for text in [#"[1,{"a":2}]"#, #""a""#, "12", "true", " null "] {
            let input = Array(text.utf8)
            let (projected, fast) = input.withUnsafeBytes { JSONParser.projected($0, members: Self.selection) }
            #expect(!fast)
            #expect(projected == JSONParser.parse(input))
        }
    }

    @Test("a failing element reports jansson's error, at the element's absolute offset")
    func errorsMatch() {
        let element = RawElement(key: "items", index: 3, byteOffset: 1000, bytes: Array(#"{"a":1,"a":2}"#.utf8))
        let expected = JSONStreamError(
            reason: "duplicate object key", byteOffset: 1010, elementIndex: 3, key: "items")
        #expect(element.parse(members: Self.selection).failure == expected)
        #expect(element.parse(members: ["a"]).failure == expected)
        #expect(element.parse().failure == expected)
    }

    /// Depth: every value counts one level, scalars included; 2048 is jansson's limit.
    @Test("nesting at and beyond jansson's depth limit", arguments: [2046, 2047, 2048, 2049, 3000])
    func depth(_ levels: Int) {
        // `levels` values deep in all: the object, levels - 2 arrays, and a scalar.
        let arrays = levels - 2
        let input = Array(
            (#"{"b":"# + String(repeating: "[", count: arrays) + "1" + String(repeating: "]", count: arrays) + "}")
                .utf8)
        let empty = Array(
            (#"{"a":"# + String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1) + "}")
                .utf8)
        for bytes in [input, empty] {
            #expect(JSONParser.parse(bytes).isSuccess == (levels <= 2048))
            #expect(verdict(bytes) == (levels <= 2048 ? .valid : .invalid))
            // Beyond the fast path's build depth the full parse builds the value; still the same result.
            #expect(disagreement(bytes, Self.selection)?.description == nil)
        }
    }

    @Test("objects with more members than the scanner compares are left to jansson")
    func manyMembers() {
        let members = (0..<200).map { #""k\#($0)":\#($0)"# }
        let valid = Array(("{" + members.joined(separator: ",") + #","a":"x"}"#).utf8)
        let duplicate = Array(("{" + members.joined(separator: ",") + #","k7":0}"#).utf8)
        #expect(verdict(valid) == .unsupported)
        #expect(verdict(duplicate) == .unsupported)
        let selection = JSONMemberSelection(["a", "k150"])
        #expect(
            valid.withUnsafeBytes { JSONParser.parse($0, members: selection) } == .success(["k150": 150, "a": "x"]))
        #expect(
            duplicate.withUnsafeBytes { JSONParser.parse($0, members: selection) }.failure
                == JSONParser.parse(duplicate).failure)
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

@Suite("Projected parse: seeded mutations of real elements")
struct JSONProjectionMutationTests {
    static let certificateSelection = JSONMemberSelection([
        "certificateId", "status", "certificatePem", "validity", "caCertificateId", "creationDate", "certificateArn",
    ])
    static let policySelection = JSONMemberSelection([
        "policyName", "policyVersionId", "isDefaultVersion", "policyDocument", "creationDate",
    ])

    /// The elements of the snapshot file's arrays, as the streamer hands them out.
    static func elements(_ file: String) throws -> [[UInt8]] {
        let stream = try JSONElementStream(path: repositoryRoot + "/snapshots/workshop/" + file, form: .object)
        var result: [[UInt8]] = []
        while let event = try stream.next() {
            if case .element(let element) = event { result.append(element.bytes) }
        }
        return result
    }

    @Test(
        "mutated copies of real elements: accepted and rejected exactly as the full parse, same values",
        arguments: [("certificates.json", 11), ("policies.json", 12)])
    func mutations(_ file: String, _ seed: UInt64) throws {
        let originals = try Self.elements(file)
        #expect(originals.count >= 5)
        let selection = file == "certificates.json" ? Self.certificateSelection : Self.policySelection
        var random = SplitMix64(state: seed)
        var accepted = 0
        var rejected = 0
        var problems: [String] = []
        for copy in 0..<2500 {
            var input = originals[copy % originals.count]
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                JSONMutation.mutate(&input, names: selection.names, using: &random)
            }
            if JSONParser.parse(input).isSuccess { accepted += 1 } else { rejected += 1 }
            for chosen in [selection, JSONMemberSelection(copy % 2 == 0 ? [] : ["ownedBy", "deep"])] {
                if let problem = disagreement(input, chosen), problems.count < 5 {
                    problems.append(problem.description)
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // Both outcomes are well represented, or the corpus would prove little.
        #expect(accepted >= 250)
        #expect(rejected >= 250)
    }

    @Test("the unmutated elements take the fast path and match the full parse")
    func originals() throws {
        for (file, selection) in [
            ("certificates.json", Self.certificateSelection), ("policies.json", Self.policySelection),
        ] {
            for element in try Self.elements(file) {
                #expect(disagreement(element, selection)?.description == nil)
                let (result, fast) = element.withUnsafeBytes { JSONParser.projected($0, members: selection) }
                #expect(fast)
                #expect((try? result.get())?.objectValue?.keys.isEmpty == false)
            }
        }
    }
}

/// Random documents built token by token: strings with every kind of escape
/// and raw UTF-8 at every offset of an 8-byte word, numbers across the whole
/// range (some overflow on purpose), nesting, whitespace, duplicate keys now
/// and then, and the NUL jansson drops after a number or literal.
struct RandomDocument {
    var random: SplitMix64
    var text: [UInt8] = []

    static let keys = ["a", "sel", "é", "k😀", "b", "x", "sel2", "\\u0061", "s\\u0065l", "\\u00e9", "k\\ud83d\\ude00"]

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func whitespace() {
        while chance(20) { text.append([0x20, 0x0A, 0x0D, 0x09].randomElement(using: &random) ?? 0x20) }
    }

    mutating func hex4(_ value: UInt32) {
        let digits = Array((chance(50) ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
        for shift in stride(from: 12, through: 0, by: -4) { text.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
    }

    mutating func string() {
        text.append(UInt8(ascii: "\""))
        for _ in 0..<Int.random(in: 0...40, using: &random) {
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                text.append(UInt8(ascii: "\\"))
                text.append(Array(#""\/bfnrt"#.utf8).randomElement(using: &random) ?? UInt8(ascii: "n"))
            case 1:
                text.append(contentsOf: Array("\\u".utf8))
                var unit = UInt32.random(in: 1...0xFFFF, using: &random)
                if unit >= 0xD800 && unit <= 0xDFFF { unit = 0x41 }
                hex4(unit)
            case 2:
                let scalar = UInt32.random(in: 0x10000...0x10FFFF, using: &random) - 0x10000
                text.append(contentsOf: Array("\\u".utf8))
                hex4(0xD800 + (scalar >> 10))
                text.append(contentsOf: Array("\\u".utf8))
                hex4(0xDC00 + (scalar & 0x3FF))
            case 3:
                let scalar =
                    [
                        UInt32.random(in: 0x80...0x7FF, using: &random),
                        UInt32.random(in: 0x800...0xD7FF, using: &random),
                        UInt32.random(in: 0xE000...0xFFFF, using: &random),
                        UInt32.random(in: 0x10000...0x10FFFF, using: &random),
                    ].randomElement(using: &random) ?? 0x80
                text.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "?")).utf8))
            default:
                for _ in 0..<Int.random(in: 1...12, using: &random) {
                    text.append(UInt8.random(in: 0x20...0x7E, using: &random))
                    if text.last == UInt8(ascii: "\"") || text.last == UInt8(ascii: "\\") {
                        text.removeLast()
                        text.append(UInt8(ascii: "q"))
                    }
                }
            }
        }
        text.append(UInt8(ascii: "\""))
    }

    mutating func number() {
        if chance(50) {
            let edges: [Int64] = [0, 1, -1, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
            let value =
                chance(30)
                ? (edges.randomElement(using: &random) ?? 0) : Int64.random(in: .min ... .max, using: &random)
            text.append(contentsOf: Array(String(value).utf8))
            if chance(5) { text.append(UInt8(ascii: "9")) }  // past Int64 now and then
        } else {
            if chance(50) { text.append(UInt8(ascii: "-")) }
            text.append(
                contentsOf: Array(
                    String(
                        UInt64.random(in: 0...UInt64.max, using: &random) >> UInt64.random(in: 0...63, using: &random)
                    ).utf8))
            if chance(70) {
                text.append(UInt8(ascii: "."))
                text.append(contentsOf: Array(String(UInt32.random(in: 0...UInt32.max, using: &random)).utf8))
            }
            if chance(60) || text.last == nil {
                text.append(Array("eE".utf8).randomElement(using: &random) ?? UInt8(ascii: "e"))
                if chance(60) { text.append(Array("+-".utf8).randomElement(using: &random) ?? UInt8(ascii: "+")) }
                text.append(contentsOf: Array(String(Int.random(in: 0...330, using: &random)).utf8))
            }
        }
    }

    mutating func value(depth: Int) {
        switch Int.random(in: 0..<(depth < 4 ? 8 : 5), using: &random) {
        case 0, 1: string()
        case 2:
            number()
            if chance(3) { text.append(0) }
        case 3:
            text.append(contentsOf: Array((["true", "false", "null"].randomElement(using: &random) ?? "null").utf8))
            if chance(3) { text.append(0) }
        case 4: string()
        case 5, 6: object(depth: depth + 1)
        default:
            text.append(UInt8(ascii: "["))
            whitespace()
            for index in 0..<Int.random(in: 0...4, using: &random) {
                if index > 0 {
                    text.append(UInt8(ascii: ","))
                    whitespace()
                }
                value(depth: depth + 1)
                whitespace()
            }
            text.append(UInt8(ascii: "]"))
        }
    }

    mutating func object(depth: Int) {
        text.append(UInt8(ascii: "{"))
        whitespace()
        var used: Set<String> = []
        for index in 0..<Int.random(in: 0...6, using: &random) {
            if index > 0 {
                text.append(UInt8(ascii: ","))
                whitespace()
            }
            var key = Self.keys.randomElement(using: &random) ?? "a"
            // Mostly distinct keys (a repeat makes the whole document invalid).
            if used.contains(key) && chance(90) { key = "m\(index)" }
            used.insert(key)
            text.append(contentsOf: Array("\"\(key)\"".utf8))
            whitespace()
            text.append(UInt8(ascii: ":"))
            whitespace()
            value(depth: depth)
            whitespace()
        }
        text.append(UInt8(ascii: "}"))
    }
}

@Suite("Projected parse: random documents")
struct JSONProjectionRandomDocumentTests {
    @Test("random documents: same verdict and same selected values as the full parse")
    func randomDocuments() {
        var document = RandomDocument(random: SplitMix64(state: 2026))
        let selections = [
            JSONMemberSelection(["a", "sel", "é", "k😀"]), JSONMemberSelection(["b"]), JSONMemberSelection([]),
        ]
        var accepted = 0
        var problems: [String] = []
        for index in 0..<3000 {
            document.text = []
            document.whitespace()
            document.object(depth: 0)
            document.whitespace()
            if JSONParser.parse(document.text).isSuccess { accepted += 1 }
            if let problem = disagreement(document.text, selections[index % selections.count]), problems.count < 5 {
                problems.append(problem.description)
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(accepted >= 1000)
    }
}

/// `sharesStorage` recognises one parsed value passed around, never two parses of equal text.
@Suite struct JSONObjectStorageTests {
    @Test func aCopySharesTheStorageAnEqualParseDoesNot() throws {
        let text = #"{"certificateId": "abc", "status": "ACTIVE"}"#
        let first = try #require(try JSONParser.parse(text).get().objectValue)
        let second = try #require(try JSONParser.parse(text).get().objectValue)
        let copy = first
        #expect(first == second)
        #expect(first.sharesStorage(with: copy))
        #expect(!first.sharesStorage(with: second))
        #expect(!JSONObject().sharesStorage(with: JSONObject()))
    }
}
