import CJansson

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The top-level members a reader needs from each element, prepared once and
/// shared by every parse (a check declares the members it reads).
public struct JSONMemberSelection: Sendable, Hashable {
    /// The selected names, without repeats, in the order given.
    public let names: [String]
    let utf8Names: [[UInt8]]
    /// The names' bytes back to back, and where each starts (one extra end offset):
    /// a key is looked up in two flat buffers, so parallel workers do not bump the
    /// shared reference counts of one array per name for every key they scan.
    let flatNames: [UInt8]
    let nameStarts: [Int]

    public init(_ names: some Sequence<String>) {
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        self.names = unique
        self.utf8Names = unique.map { Array($0.utf8) }
        flatNames = utf8Names.flatMap { $0 }
        nameStarts = utf8Names.reduce(into: [0]) { starts, name in starts.append(starts[starts.count - 1] + name.count)
        }
    }

    /// The index in `names` of the key the scanner found, or -1.
    func index(of key: JSONValidatingScanner.KeyRange, in scanner: JSONValidatingScanner) -> Int {
        if key.escaped {
            let decoded = scanner.decodedKey(key)
            return utf8Names.firstIndex(of: decoded) ?? -1
        }
        return flatNames.withUnsafeBufferPointer { flat in
            nameStarts.withUnsafeBufferPointer { starts in
                for index in 0..<(starts.count - 1) where starts[index + 1] - starts[index] == key.length {
                    guard let base = flat.baseAddress else { return key.length == 0 ? index : -1 }
                    if JSONValidatingScanner.equalBytes(base + starts[index], scanner.base + key.start, key.length) {
                        return index
                    }
                }
                return -1
            }
        }
    }
}

extension RawElement {
    /// Parses the element keeping only the top-level members in `members`:
    /// the same outcome as `parse()` restricted to those members (the element
    /// is accepted or rejected exactly as the full parse does, with the same
    /// error), but only the selected values are built, and jansson is only
    /// used when the element is not an object or is invalid.
    public func parse(members: JSONMemberSelection) -> Result<JSONValue, JSONStreamError> {
        bytes.withUnsafeBytes { JSONParser.parse($0, members: members) }.mapError { syntax in
            JSONStreamError(
                reason: syntax.reason, byteOffset: byteOffset + Int64(syntax.position), elementIndex: index,
                key: key)
        }
    }

    /// `parse(members:)` for a one-off set of names; prefer a prepared
    /// `JSONMemberSelection` when parsing many elements.
    public func parse(members: Set<String>) -> Result<JSONValue, JSONStreamError> {
        parse(members: JSONMemberSelection(members.sorted()))
    }
}

extension JSONParser {
    /// Parses `bytes` keeping only the selected top-level members of an object
    /// (see `RawElement.parse(members:)`). A value that is not an object comes
    /// back whole, as `parse(_:)` gives it.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, members: JSONMemberSelection
    ) -> Result<JSONValue, JSONSyntaxError> {
        projected(bytes, members: members).result
    }

    /// Deeper selected values are built by jansson's own conversion, so the
    /// fast path's recursion stays shallow.
    static let projectedBuildDepth = 256

    /// The projected parse, and whether the fast path (scanner and builder,
    /// no jansson parse of the whole buffer) produced it.
    static func projected(
        _ bytes: UnsafeRawBufferPointer, members: JSONMemberSelection
    ) -> (result: Result<JSONValue, JSONSyntaxError>, fast: Bool) {
        if let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), startsWithObject(base, bytes.count) {
            var scanner = JSONValidatingScanner(base: base, count: bytes.count)
            var found: [SelectedMemberRange] = []
            // One allocation, not one for each doubling as the members are found.
            found.reserveCapacity(members.names.count)
            if scanner.scan(selection: members, found: &found) == .valid,
                scanner.deepestLevel <= projectedBuildDepth
            {
                var result: [(key: String, value: JSONValue)] = []
                result.reserveCapacity(found.count)
                var builder = JSONValueBuilder(base: base, count: bytes.count)
                var complete = true
                for range in found {
                    builder.position = range.start
                    guard let value = builder.value(), builder.position == range.end else {
                        complete = false
                        break
                    }
                    result.append((key: members.names[range.name], value: value))
                }
                if complete { return (.success(.object(JSONObject(uncheckedMembers: result))), true) }
            }
        }
        // Invalid, not an object, or beyond what the fast path decides: jansson
        // parses the whole buffer, which also gives its exact error.
        let full = parse(bytes).map { value -> JSONValue in
            guard case .object(let object) = value else { return value }
            return .object(JSONObject(uncheckedMembers: object.members.filter { members.names.contains($0.key) }))
        }
        return (full, false)
    }

    /// The selected top-level members' values of an object, read in place for a
    /// reader that needs only plain strings and integers (a log line): no
    /// `JSONValue`, no `String`. The same scan as `parse(_:members:)` decides
    /// validity, so `body` sees exactly the values the projected parse would
    /// build, by their index in `members.names` (`.absent` when not there).
    ///
    /// Returns false without calling `body` when that parse would not be decided
    /// here: the buffer is not an object jansson accepts (the parse gives its
    /// exact error), it is nested too deeply for the fast path, or a selected
    /// value is a string with escapes or a real number (values the caller gets
    /// from the parse, with jansson's conversion).
    ///
    /// Not generic (the caller keeps what `body` reads in its own variables): a
    /// generic result made the runtime look up `Optional<Result>`'s metadata on
    /// every line, since the function is not specialised outside this module.
    @discardableResult
    public static func withSelectedScalars(
        _ bytes: UnsafeRawBufferPointer, members: JSONMemberSelection,
        _ body: (UnsafeBufferPointer<JSONScalarView>) -> Void
    ) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), startsWithObject(base, bytes.count)
        else { return false }
        var scanner = JSONValidatingScanner(base: base, count: bytes.count)
        var found: [SelectedMemberRange] = []
        found.reserveCapacity(members.names.count)
        guard scanner.scan(selection: members, found: &found) == .valid, scanner.deepestLevel <= projectedBuildDepth
        else { return false }
        return withUnsafeTemporaryAllocation(of: JSONScalarView.self, capacity: members.names.count) { views -> Bool in
            views.initialize(repeating: .absent)
            defer { views.deinitialize() }
            for range in found {
                let view: JSONScalarView
                switch base[range.start] {
                case UInt8(ascii: "\""):
                    // Between the quotes; the scanner checked the bytes are well-formed UTF-8
                    // without control bytes, so only an escape needs decoding.
                    let start = base + range.start + 1
                    let count = range.end - range.start - 2
                    guard memchr(start, Int32(UInt8(ascii: "\\")), count) == nil else { return false }
                    view = .string(UnsafeRawBufferPointer(start: start, count: count))
                case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    view = .other
                default:
                    var builder = JSONValueBuilder(base: base, count: range.end)
                    builder.position = range.start
                    guard let number = builder.number(), builder.position == range.end,
                        case .integer(let integer) = number
                    else { return false }
                    view = .integer(integer)
                }
                views[range.name] = view
            }
            body(UnsafeBufferPointer(views))
            return true
        }
    }

    private static func startsWithObject(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index < count {
            switch base[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            case UInt8(ascii: "{"): return true
            default: return false
            }
        }
        return false
    }
}

/// A selected member's value as `JSONParser.withSelectedScalars` reads it in place.
public enum JSONScalarView {
    case absent
    /// A string without escapes: its UTF-8 bytes between the quotes, valid
    /// only during the call.
    case string(UnsafeRawBufferPointer)
    case integer(Int64)
    /// Present and neither: `true`, `false`, `null`, an object or an array.
    case other
}

/// Builds `JSONValue`s from bytes the validating scanner has accepted, with
/// the values jansson's parse and `JSONParser.convert` would give. Every read
/// is still bounds-checked: on anything unexpected it returns nil and the
/// caller falls back to jansson.
struct JSONValueBuilder {
    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The value at `position`; leaves `position` just after it (before a
    /// NUL jansson would skip, so that the end matches the scanner's).
    mutating func value() -> JSONValue? {
        guard position < count else { return nil }
        switch base[position] {
        case UInt8(ascii: "\""):
            guard let string = string() else { return nil }
            return .string(string)
        case UInt8(ascii: "{"):
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if position < count && base[position] == UInt8(ascii: "}") {
                position += 1
                return .object(JSONObject(uncheckedMembers: members))
            }
            while true {
                guard let key = string() else { return nil }
                skipWhitespace()
                guard position < count, base[position] == UInt8(ascii: ":") else { return nil }
                position += 1
                skipWhitespace()
                guard let member = value() else { return nil }
                members.append((key: key, value: member))
                position = skipNulAfterScalar()
                skipWhitespace()
                guard position < count else { return nil }
                let next = base[position]
                position += 1
                if next == UInt8(ascii: "}") { return .object(JSONObject(uncheckedMembers: members)) }
                guard next == UInt8(ascii: ",") else { return nil }
                skipWhitespace()
            }
        case UInt8(ascii: "["):
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < count && base[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                guard let element = value() else { return nil }
                elements.append(element)
                position = skipNulAfterScalar()
                skipWhitespace()
                guard position < count else { return nil }
                let next = base[position]
                position += 1
                if next == UInt8(ascii: "]") { return .array(elements) }
                guard next == UInt8(ascii: ",") else { return nil }
                skipWhitespace()
            }
        case UInt8(ascii: "t"):
            position += 4
            return position <= count ? .bool(true) : nil
        case UInt8(ascii: "f"):
            position += 5
            return position <= count ? .bool(false) : nil
        case UInt8(ascii: "n"):
            position += 4
            return position <= count ? .null : nil
        default:
            return number()
        }
    }

    /// After a scalar inside a container, the position past a NUL jansson would skip.
    private func skipNulAfterScalar() -> Int {
        if position < count && base[position] == 0 && position > 0 {
            let last = base[position - 1]
            // Only numbers and literals end in a digit or a letter; strings end in a
            // quote and containers in a bracket, after which jansson keeps the NUL.
            if last &- UInt8(ascii: "0") < 10 || (last | 0x20) &- UInt8(ascii: "a") < 26 { return position + 1 }
        }
        return position
    }

    /// A string at `position` (opening quote), unescaped as jansson does.
    mutating func string() -> String? {
        guard position < count, base[position] == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var index = start
        var escaped = false
        search: while true {
            // Eight bytes at a time up to the next quote or backslash.
            index = StringByteScan.skipOrdinary(base, from: index, count: count, strict: false)
            guard index < count else { break search }
            switch base[index] {
            case UInt8(ascii: "\""): break search
            case UInt8(ascii: "\\"):
                escaped = true
                index += 2
            default: index += 1
            }
        }
        guard index < count else { return nil }
        position = index + 1
        let content = UnsafeBufferPointer(start: base + start, count: index - start)
        if !escaped { return String(decoding: content, as: UTF8.self) }
        // The unescaped text is never longer than its source.
        return String(unsafeUninitializedCapacity: content.count) { buffer in
            JSONStringDecoding.decode(content, into: buffer)
        }
    }

    /// A number at `position`: integers here (already known to fit), reals by
    /// jansson itself so that the double is bit for bit the same.
    mutating func number() -> JSONValue? {
        let start = position
        var index = position
        var isReal = false
        while index < count && Self.isNumberByte(base[index]) {
            switch base[index] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): isReal = true
            default: break
            }
            index += 1
        }
        guard index > start else { return nil }
        position = index
        if isReal {
            return Self.janssonReal(UnsafeRawBufferPointer(start: base + start, count: index - start))
        }
        var digitIndex = start
        let negative = base[digitIndex] == UInt8(ascii: "-")
        if negative { digitIndex += 1 }
        guard digitIndex < index else { return nil }
        // Accumulated negatively so that Int64.min needs no special case.
        var value: Int64 = 0
        while digitIndex < index {
            let digit = Int64(base[digitIndex] &- UInt8(ascii: "0"))
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(digit)
            guard !overflowA && !overflowB, digit >= 0 && digit < 10 else { return nil }
            value = next
            digitIndex += 1
        }
        if negative { return .integer(value) }
        guard value != Int64.min else { return nil }
        return .integer(-value)
    }

    @inline(__always)
    static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }

    static func janssonReal(_ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
        var error = json_error_t()
        guard let value = json_loadb(base, bytes.count, fa_element_decode_flags(), &error) else { return nil }
        defer { fa_json_decref(value) }
        guard fa_json_typeof(value) == Int32(JSON_REAL.rawValue) else { return nil }
        return .real(json_real_value(value))
    }
}
