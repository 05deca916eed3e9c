import CJansson

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the validating scanner concluded about one buffer.
enum JSONScanVerdict: Sendable, Hashable {
    /// jansson (with the element flags) accepts the buffer.
    case valid
    /// jansson rejects the buffer.
    case invalid
    /// Valid or not, the scanner does not decide it (an object with more
    /// members than `maxKeysPerObject`): the caller parses with jansson.
    case unsupported
}

/// Where a selected top-level member's value lies in the scanned buffer.
struct SelectedMemberRange: Sendable, Hashable {
    /// Index of the name in the selection.
    var name: Int
    /// The value's bytes: `start..<end`.
    var start: Int
    var end: Int
}

/// A hand-written scanner that decides, without building anything, whether
/// jansson would accept a buffer when called as `JSONParser` calls it
/// (`JSON_DECODE_ANY | JSON_REJECT_DUPLICATES`), and where the selected
/// top-level members' values lie.
///
/// The rules below are jansson 2.14's (src/load.c, src/utf.c), rule by rule:
/// - Every byte of the input goes through jansson's UTF-8 check, so a byte
///   >= 0x80 is only accepted inside a string, as part of a well-formed
///   sequence (no overlong forms, no surrogates, nothing above U+10FFFF).
/// - Strings reject raw bytes 0x00-0x1F, unknown escapes, `\u` without four
///   hex digits, lone or mismatched surrogate escapes, and `\u0000` (values:
///   no `JSON_ALLOW_NUL`; keys: never supported).
/// - Numbers: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; integers
///   outside Int64 fail ("too big integer"); reals whose magnitude rounds
///   to infinity fail ("real number overflow"), underflow to 0 is accepted.
/// - Literals: jansson reads the whole run of ASCII letters, which must be
///   exactly `true`, `false` or `null`.
/// - One NUL byte directly after a number or a literal is skipped: jansson
///   reads one byte past such a token and "ungets" it, and its stream cannot
///   unget a NUL (the byte is lost), so `[1\0]` parses as `[1]`.
/// - Nesting: every value, scalars included, counts one level, and a value
///   deeper than 2048 (`JSON_PARSER_MAX_DEPTH`) fails.
/// - A key given twice in one object (compared after unescaping) fails.
/// - Only space, tab, LF and CR are whitespace; after the value only
///   whitespace may follow.
struct JSONValidatingScanner {
    static let maxDepth = 2048
    /// Duplicate detection compares each key with the object's earlier keys;
    /// past this many members that quadratic work is left to jansson's hash table.
    static let maxKeysPerObject = 128

    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0
    /// The deepest value level seen (the top-level value is level 1).
    var deepestLevel = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    /// A key as found in the buffer: its content (between the quotes).
    struct KeyRange {
        var start: Int
        var length: Int
        var escaped: Bool
    }

    private enum Step {
        case value
        case key
        case afterValue
    }

    /// Scans the whole buffer. When `selection` is given and the buffer is an
    /// object, the values of its top-level members named in `selection` are
    /// appended to `found` in document order.
    mutating func scan(selection: JSONMemberSelection?, found: inout [SelectedMemberRange]) -> JSONScanVerdict {
        // Open containers, innermost last: true for an object.
        var containers: [Bool] = []
        var keys: [KeyRange] = []
        // For each open object, where its keys begin in `keys`.
        var objectKeyStarts: [Int] = []
        // Room for a typical element up front: growing by doubling reallocated the key
        // list four times for a log line's dozen keys.
        containers.reserveCapacity(16)
        keys.reserveCapacity(32)
        objectKeyStarts.reserveCapacity(16)
        var pendingName = -1
        var pendingStart = 0
        var valueEnd = 0
        var step = Step.value
        skipWhitespace()
        while true {
            switch step {
            case .value:
                let level = containers.count + 1
                if level > Self.maxDepth { return .invalid }
                if level > deepestLevel { deepestLevel = level }
                guard position < count else { return .invalid }
                switch base[position] {
                case UInt8(ascii: "{"):
                    if skipEmptyContainer(closedBy: UInt8(ascii: "}")) {
                        valueEnd = position
                        step = .afterValue
                    } else {
                        containers.append(true)
                        objectKeyStarts.append(keys.count)
                        step = .key
                    }
                case UInt8(ascii: "["):
                    if skipEmptyContainer(closedBy: UInt8(ascii: "]")) {
                        valueEnd = position
                        step = .afterValue
                    } else {
                        containers.append(false)
                    }
                case UInt8(ascii: "\""):
                    guard scanString() != nil else { return .invalid }
                    valueEnd = position
                    step = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard scanNumber() else { return .invalid }
                    valueEnd = position
                    skipNulAfterToken()
                    step = .afterValue
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    guard scanLiteral() else { return .invalid }
                    valueEnd = position
                    skipNulAfterToken()
                    step = .afterValue
                default:
                    return .invalid
                }
            case .key:
                guard position < count, base[position] == UInt8(ascii: "\"") else { return .invalid }
                let keyStart = position + 1
                guard let escaped = scanString() else { return .invalid }
                let key = KeyRange(start: keyStart, length: position - 1 - keyStart, escaped: escaped)
                let first = objectKeyStarts.last ?? 0
                if keys.count - first >= Self.maxKeysPerObject { return .unsupported }
                for index in first..<keys.count where sameKey(keys[index], key) {
                    return .invalid
                }
                keys.append(key)
                skipWhitespace()
                guard position < count, base[position] == UInt8(ascii: ":") else { return .invalid }
                position += 1
                skipWhitespace()
                if containers.count == 1, let selection {
                    pendingName = selection.index(of: key, in: self)
                    pendingStart = position
                }
                step = .value
            case .afterValue:
                if containers.count == 1 && pendingName >= 0 {
                    found.append(SelectedMemberRange(name: pendingName, start: pendingStart, end: valueEnd))
                    pendingName = -1
                }
                skipWhitespace()
                guard let isObject = containers.last else { return position == count ? .valid : .invalid }
                guard position < count else { return .invalid }
                let next = base[position]
                position += 1
                if next == UInt8(ascii: ",") {
                    skipWhitespace()
                    step = isObject ? .key : .value
                } else if next == UInt8(ascii: isObject ? "}" : "]") {
                    containers.removeLast()
                    if isObject, let first = objectKeyStarts.popLast() {
                        keys.removeSubrange(first...)
                    }
                    valueEnd = position
                } else {
                    return .invalid
                }
            }
        }
    }

    // MARK: - Tokens

    /// Steps past the opening bracket at `position` and the white space after it;
    /// when `close` follows, past that too, and the container was empty.
    @inline(__always)
    mutating func skipEmptyContainer(closedBy close: UInt8) -> Bool {
        position += 1
        skipWhitespace()
        guard position < count && base[position] == close else { return false }
        position += 1
        return true
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x0A:
                // A newline in pretty-printed JSON is followed by its indentation.
                position = StringByteScan.skipSpaces(base, from: position + 1, count: count)
            case 0x20, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// jansson loses a NUL byte it reads just past a number or literal (see the type's notes).
    @inline(__always)
    mutating func skipNulAfterToken() {
        if position < count && base[position] == 0 { position += 1 }
    }

    /// Scans a string whose opening quote is at `position`; leaves `position`
    /// after the closing quote. Returns whether it holds an escape, or nil
    /// when jansson would reject it.
    mutating func scanString() -> Bool? {
        var index = position + 1
        var escaped = false
        while true {
            // Eight bytes at a time while none of them is a quote, a backslash,
            // a control byte or a non-ASCII byte.
            index = StringByteScan.skipOrdinary(base, from: index, count: count, strict: true)
            guard index < count else { return nil }
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return escaped
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                guard index + 1 < count else { return nil }
                switch base[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard let unit = hexUnit(at: index + 2) else { return nil }
                    index += 6
                    if unit == 0 { return nil }
                    if unit >= 0xDC00 && unit <= 0xDFFF { return nil }
                    if unit >= 0xD800 && unit <= 0xDBFF {
                        guard index + 1 < count, base[index] == UInt8(ascii: "\\"),
                            base[index + 1] == UInt8(ascii: "u"),
                            let low = hexUnit(at: index + 2), low >= 0xDC00 && low <= 0xDFFF
                        else { return nil }
                        index += 6
                    }
                default:
                    return nil
                }
            } else if byte < 0x20 {
                return nil
            } else if byte >= 0x80 {
                guard let length = utf8SequenceLength(at: index) else { return nil }
                index += length
            } else {
                index += 1
            }
        }
    }

    /// The four hex digits at `index` as a UTF-16 code unit.
    @inline(__always)
    func hexUnit(at index: Int) -> UInt32? {
        guard index + 4 <= count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let digit = base[index + offset]
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence at `index` (lead byte >= 0x80),
    /// by jansson's `utf8_check_first`/`utf8_check_full`: no overlong forms, no
    /// surrogates, nothing above U+10FFFF.
    func utf8SequenceLength(at index: Int) -> Int? {
        let lead = base[index]
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < count && range.contains(base[index + offset])
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : nil
        case 0xE0:
            return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xED:
            return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xE1...0xEF:
            return continuation(1) && continuation(2) ? 3 : nil
        case 0xF0:
            return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4:
            return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default:
            return nil
        }
    }

    @inline(__always)
    func isDigit(at index: Int) -> Bool {
        index < count && base[index] &- UInt8(ascii: "0") < 10
    }

    /// Scans a number at `position` by jansson's grammar and range rules.
    mutating func scanNumber() -> Bool {
        let start = position
        var index = position
        let negative = base[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let integerStart = index
        guard isDigit(at: index) else { return false }
        if base[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(at: index) { return false }
        } else {
            while isDigit(at: index) { index += 1 }
        }
        let integerDigits = index - integerStart
        let isReal =
            index < count
            && (base[index] == UInt8(ascii: ".") || base[index] == UInt8(ascii: "e")
                || base[index] == UInt8(ascii: "E"))
        if !isReal {
            position = index
            return integerFits(start: integerStart, digits: integerDigits, negative: negative)
        }
        if base[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(at: index) else { return false }
            while isDigit(at: index) { index += 1 }
        }
        // A bound on the decimal exponent of the magnitude: |value| < 10^bound.
        var bound = base[integerStart] == UInt8(ascii: "0") ? 0 : integerDigits
        if index < count && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < count && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) {
                exponentNegative = base[index] == UInt8(ascii: "-")
                index += 1
            }
            guard isDigit(at: index) else { return false }
            var exponent = 0
            while isDigit(at: index) {
                // Saturates: only "far beyond 308" matters here.
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(base[index] &- UInt8(ascii: "0")) }
                index += 1
            }
            bound += exponentNegative ? -exponent : exponent
        }
        position = index
        // Below 10^308 a real cannot round to infinity (DBL_MAX is about 1.8e308);
        // anything near or above that is decided by jansson itself.
        if bound <= 308 { return true }
        return JSONValidatingScanner.janssonAccepts(UnsafeRawBufferPointer(start: base + start, count: index - start))
    }

    /// Whether `digits` digits from `start` fit jansson's integer (Int64, via strtoll).
    func integerFits(start: Int, digits: Int, negative: Bool) -> Bool {
        if digits < 19 { return true }
        if digits > 19 { return false }
        let limit: StaticString = negative ? "9223372036854775808" : "9223372036854775807"
        return limit.withUTF8Buffer { limitDigits in
            for offset in 0..<19 {
                let digit = base[start + offset]
                let limitDigit = limitDigits[offset]
                if digit != limitDigit { return digit < limitDigit }
            }
            return true
        }
    }

    /// Scans `true`, `false` or `null`: jansson reads the whole run of letters.
    mutating func scanLiteral() -> Bool {
        var end = position
        while end < count {
            let byte = base[end] | 0x20
            guard byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") else { break }
            end += 1
        }
        let length = end - position
        let matches: Bool
        switch base[position] {
        case UInt8(ascii: "t"): matches = length == 4 && same(at: position, "true")
        case UInt8(ascii: "f"): matches = length == 5 && same(at: position, "false")
        default: matches = length == 4 && same(at: position, "null")
        }
        position = end
        return matches
    }

    func same(at index: Int, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { expected in
            for offset in 0..<expected.count where base[index + offset] != expected[offset] { return false }
            return true
        }
    }

    // MARK: - Keys

    /// Whether two keys are equal once unescaped (jansson compares decoded bytes).
    func sameKey(_ lhs: KeyRange, _ rhs: KeyRange) -> Bool {
        if !lhs.escaped && !rhs.escaped {
            return lhs.length == rhs.length && Self.equalBytes(base + lhs.start, base + rhs.start, lhs.length)
        }
        return decodedKey(lhs) == decodedKey(rhs)
    }

    /// Whether `count` bytes at `lhs` and `rhs` are equal, eight at a time: keys are
    /// a few bytes long, and a call to `memcmp` for each pair of an object's keys of
    /// equal length (the duplicate test) cost more than the comparison itself.
    @inline(__always)
    static func equalBytes(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            let left = UnsafeRawPointer(lhs + index).loadUnaligned(as: UInt64.self)
            guard left == UnsafeRawPointer(rhs + index).loadUnaligned(as: UInt64.self) else { return false }
            index += 8
        }
        while index < count {
            guard lhs[index] == rhs[index] else { return false }
            index += 1
        }
        return true
    }

    func decodedKey(_ key: KeyRange) -> [UInt8] {
        if !key.escaped { return Array(UnsafeBufferPointer(start: base + key.start, count: key.length)) }
        let content = UnsafeBufferPointer(start: base + key.start, count: key.length)
        return [UInt8](unsafeUninitializedCapacity: key.length) { buffer, initialized in
            initialized = JSONStringDecoding.decode(content, into: buffer)
        }
    }

    /// jansson's own verdict on a small buffer (used for reals near overflow).
    static func janssonAccepts(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return false }
        var error = json_error_t()
        guard let value = json_loadb(base, bytes.count, fa_element_decode_flags(), &error) else { return false }
        fa_json_decref(value)
        return true
    }
}

/// Unescaping of a string's content that the scanner has already accepted,
/// byte for byte as jansson's `lex_scan_string` builds its value.
enum JSONStringDecoding {
    /// Writes the unescaped content into `output` and returns the byte count.
    /// The result is never longer than the source, so an `output` as large as
    /// `content` always suffices (a smaller one truncates, never overflows).
    /// Runs without escapes are copied whole: a PEM has one escape per line.
    static func decode(_ content: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let source = content.baseAddress, let target = output.baseAddress else { return 0 }
        let count = content.count
        var index = 0
        var written = 0
        func emit(_ byte: UInt8) {
            if written < output.count {
                target[written] = byte
                written += 1
            }
        }
        let backslashes: UInt64 = 0x5C5C_5C5C_5C5C_5C5C
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index < count {
            // Copy eight bytes at a time up to the next backslash (the output
            // never runs ahead of the input, so `written + 8 <= output.count`).
            while index + 8 <= count && written + 8 <= output.count {
                let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
                let backslash = UInt64(littleEndian: word) ^ backslashes
                let flagged = ((backslash &- ones) & ~backslash) & highs
                if flagged != 0 {
                    let run = flagged.trailingZeroBitCount >> 3
                    for offset in 0..<run { target[written + offset] = source[index + offset] }
                    written += run
                    index += run
                    break
                }
                UnsafeMutableRawPointer(target + written).storeBytes(of: word, as: UInt64.self)
                written += 8
                index += 8
            }
            while index < count && content[index] != UInt8(ascii: "\\") {
                emit(content[index])
                index += 1
                if index + 8 <= count && written + 8 <= output.count { break }
            }
            guard index < count, content[index] == UInt8(ascii: "\\") else { continue }
            guard index + 1 < count else { break }
            let kind = content[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): emit(0x08)
            case UInt8(ascii: "f"): emit(0x0C)
            case UInt8(ascii: "n"): emit(0x0A)
            case UInt8(ascii: "r"): emit(0x0D)
            case UInt8(ascii: "t"): emit(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(content, index)
                index += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF && index + 6 <= count {
                    scalar = ((scalar &- 0xD800) << 10) &+ (hex(content, index + 2) &- 0xDC00) &+ 0x10000
                    index += 6
                }
                encode(scalar, emit)
            default: emit(kind)
            }
        }
        return written
    }

    @inline(__always)
    static func hex(_ content: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32 {
        var value: UInt32 = 0
        var offset = index
        while offset < index + 4 && offset < content.count {
            let digit = content[offset] | 0x20
            let nibble = digit >= UInt8(ascii: "a") ? digit &- UInt8(ascii: "a") &+ 10 : digit &- UInt8(ascii: "0")
            value = value << 4 | UInt32(nibble & 0x0F)
            offset += 1
        }
        return value
    }

    /// jansson's `utf8_encode`.
    @inline(__always)
    static func encode(_ scalar: UInt32, _ emit: (UInt8) -> Void) {
        if scalar < 0x80 {
            emit(UInt8(scalar))
        } else if scalar < 0x800 {
            emit(UInt8(0xC0 | (scalar >> 6)))
            emit(UInt8(0x80 | (scalar & 0x3F)))
        } else if scalar < 0x10000 {
            emit(UInt8(0xE0 | (scalar >> 12)))
            emit(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            emit(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            emit(UInt8(0xF0 | ((scalar >> 18) & 0x07)))
            emit(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            emit(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            emit(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
