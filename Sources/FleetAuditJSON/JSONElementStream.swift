#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a snapshot file lays out its elements.
public enum JSONFileForm: Sendable, Hashable {
    /// One top-level object whose array members are streamed element by element
    /// (`policies.json`: `{"policyVersions": [...]}`; `iam.json` has several arrays).
    case object
    /// JSON Lines: one element per line (`certificates.jsonl`).
    case lines
}

/// One element of a streamed array: its raw bytes, still unparsed, so that the
/// reading thread only finds boundaries and workers do the parsing.
public struct RawElement: Sendable {
    /// The top-level member the element belongs to (`nil` for JSON Lines).
    public var key: String?
    /// Position in its array (or line number among non-blank lines), from 0.
    public var index: Int
    /// Byte offset of the element's first byte in the file (64-bit: files may exceed 2 GiB).
    public var byteOffset: Int64
    public var bytes: [UInt8]

    public init(key: String?, index: Int, byteOffset: Int64, bytes: [UInt8]) {
        self.key = key
        self.index = index
        self.byteOffset = byteOffset
        self.bytes = bytes
    }

    /// Parses the element with jansson; errors carry the absolute byte offset.
    public func parse() -> Result<JSONValue, JSONStreamError> {
        JSONParser.parse(bytes).mapError { syntax in
            JSONStreamError(
                reason: syntax.reason, byteOffset: byteOffset + Int64(syntax.position), elementIndex: index,
                key: key)
        }
    }
}

/// What the streamer reports, in file order.
public enum JSONStreamEvent: Sendable {
    /// A top-level member that is not an array, parsed whole (small by the format's rules).
    case member(key: String, value: JSONValue, byteOffset: Int64)
    /// A top-level array member begins; its elements follow as `.element`.
    case arrayStart(key: String, byteOffset: Int64)
    case element(RawElement)
    case arrayEnd(key: String, count: Int)
}

/// An error that makes the rest of a file unreadable, or one element unparsable.
public struct JSONStreamError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    /// Absolute byte offset in the file where the problem was seen.
    public var byteOffset: Int64
    /// The element the problem is in or after, when there is one.
    public var elementIndex: Int?
    /// The top-level member involved, when there is one.
    public var key: String?

    public init(reason: String, byteOffset: Int64, elementIndex: Int? = nil, key: String? = nil) {
        self.reason = reason
        self.byteOffset = byteOffset
        self.elementIndex = elementIndex
        self.key = key
    }

    public var description: String {
        if let elementIndex { return "element \(elementIndex) (byte \(byteOffset)): \(reason)" }
        return "byte \(byteOffset): \(reason)"
    }
}

/// Streams a snapshot file element by element through a bounded sliding window.
///
/// The file is read with `read(2)` into a window that holds at most the
/// element being scanned plus one chunk, so resident memory stays flat however
/// large the file is (an mmap of the whole file would grow RSS as pages are
/// touched). Offsets are kept as `Int64` here because jansson's own
/// `position` is an `int` and each element is handed to jansson alone.
///
/// The streamer checks what jansson cannot see from one element: the
/// top-level shape, bytes between elements, a top-level key given twice, and
/// a file that ends inside the structure.
public final class JSONElementStream {
    public let path: String
    public let form: JSONFileForm
    private let maxElementBytes: Int
    private let chunkSize: Int

    private var descriptor: Int32 = -1
    private var window: UnsafeMutableRawBufferPointer
    /// File offset of `window[0]`.
    private var windowOffset: Int64 = 0
    /// Valid bytes in the window.
    private var windowCount = 0
    /// Scan position in the window.
    private var cursor = 0
    private var reachedEndOfFile = false

    private enum State {
        case start
        case expectingKey(first: Bool)
        case inArray(key: String, count: Int, afterElement: Bool)
        case finished
    }
    private var state: State = .start
    private var seenKeys: [String: Int64] = [:]
    private var lineIndex = 0

    /// Opens `path`. Fails with the `strerror` text when the file cannot be opened.
    public init(
        path: String, form: JSONFileForm, chunkSize: Int = 1 << 20, maxElementBytes: Int = 256 << 20
    ) throws(JSONStreamError) {
        self.path = path
        self.form = form
        self.chunkSize = max(chunkSize, 16)
        self.maxElementBytes = max(maxElementBytes, self.chunkSize)
        self.window = UnsafeMutableRawBufferPointer.allocate(byteCount: self.chunkSize * 2, alignment: 16)
        // O_NONBLOCK: opening a FIFO must not wait for a writer (a FIFO named
        // policies.json hung the audit); fstat on the descriptor then refuses
        // anything that is not a regular file before a byte is read from it.
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        var refusal: String? = nil
        if descriptor < 0 {
            refusal = "cannot open: \(String(cString: strerror(errno)))"
        } else {
            var status = stat()
            if fstat(descriptor, &status) != 0 {
                refusal = "cannot open: \(String(cString: strerror(errno)))"
            } else if (status.st_mode & S_IFMT) != S_IFREG {
                refusal = "not a regular file (\(Self.kind(status.st_mode))); refused"
            }
        }
        if let refusal {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
            window.deallocate()
            window = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            throw JSONStreamError(reason: refusal, byteOffset: 0)
        }
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "mode \(String(mode & S_IFMT, radix: 8))"
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        window.deallocate()
    }

    /// The next event, or `nil` at a well-formed end of file.
    public func next() throws(JSONStreamError) -> JSONStreamEvent? {
        switch form {
        case .object: return try nextInObject()
        case .lines: return try nextLine()
        }
    }

    // MARK: - Window

    private var fileOffset: Int64 { windowOffset + Int64(cursor) }

    /// Makes at least one unread byte available, keeping bytes from `keep` on.
    /// Returns false at end of file.
    private func fill(keeping keep: Int) throws(JSONStreamError) -> Bool {
        if cursor < windowCount { return true }
        if reachedEndOfFile { return false }
        // Slide: drop everything before `keep`.
        if keep > 0 {
            let retained = windowCount - keep
            if retained > 0, let base = window.baseAddress {
                memmove(base, base + keep, retained)
            }
            windowOffset += Int64(keep)
            windowCount = retained
            cursor -= keep
        }
        if windowCount + chunkSize > window.count {
            // The element being scanned outgrew the window; grow up to the bound.
            guard windowCount + chunkSize <= maxElementBytes + chunkSize else {
                throw JSONStreamError(
                    reason: "element larger than \(maxElementBytes) bytes", byteOffset: windowOffset,
                    elementIndex: currentElementIndex, key: currentKey)
            }
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(window.count * 2, windowCount + chunkSize), alignment: 16)
            if windowCount > 0, let source = window.baseAddress, let target = grown.baseAddress {
                memcpy(target, source, windowCount)
            }
            window.deallocate()
            window = grown
        }
        while true {
            guard let base = window.baseAddress else { return false }
            let readCount = read(descriptor, base + windowCount, min(chunkSize, window.count - windowCount))
            if readCount < 0 {
                if errno == EINTR { continue }
                throw JSONStreamError(
                    reason: "read error: \(String(cString: strerror(errno)))", byteOffset: fileOffset)
            }
            if readCount == 0 {
                reachedEndOfFile = true
                return false
            }
            windowCount += readCount
            return true
        }
    }

    private var currentKey: String? {
        if case .inArray(let key, _, _) = state { return key }
        return nil
    }

    private var currentElementIndex: Int? {
        switch state {
        case .inArray(_, let count, _): return count
        default: return form == .lines ? lineIndex : nil
        }
    }

    private func byte(at index: Int) -> UInt8 { window.load(fromByteOffset: index, as: UInt8.self) }

    /// Skips JSON whitespace; returns the next byte without consuming it, or nil at EOF.
    private func peekSignificant() throws(JSONStreamError) -> UInt8? {
        while true {
            guard try fill(keeping: cursor) else { return nil }
            let value = byte(at: cursor)
            switch value {
            case 0x20, 0x09, 0x0A, 0x0D: cursor += 1
            default: return value
            }
        }
    }

    /// Scans one JSON value starting at the cursor and returns its bytes.
    /// Only boundaries are found here; jansson validates the content.
    private func scanValue(elementIndex: Int?, key: String?, what: String) throws(JSONStreamError) -> (Int64, [UInt8]) {
        var start = cursor
        let startOffset = fileOffset
        func truncated() -> JSONStreamError {
            JSONStreamError(
                reason: "file ends inside \(what) (truncated)", byteOffset: startOffset,
                elementIndex: elementIndex, key: key)
        }
        // `fill` may slide the window; keep `start` relative to it.
        func more() throws(JSONStreamError) -> Bool {
            let before = windowOffset
            let available = try fill(keeping: start)
            start -= Int(windowOffset - before)
            return available
        }
        guard try more() else { throw truncated() }
        let first = byte(at: cursor)
        switch first {
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""):
            var depth = 0
            var inString = false
            var escaped = false
            scanning: while true {
                guard try more() else { throw truncated() }
                // Scan the bytes already in the window without re-checking the fill.
                while cursor < windowCount {
                    if inString && !escaped, let base = window.baseAddress {
                        // Most of a snapshot's bytes are inside strings (PEMs, ids, documents):
                        // eight at a time up to the next quote or backslash.
                        cursor = StringByteScan.skipOrdinary(
                            UnsafePointer(base.assumingMemoryBound(to: UInt8.self)), from: cursor, count: windowCount,
                            strict: false)
                        guard cursor < windowCount else { break }
                    }
                    let value = byte(at: cursor)
                    cursor += 1
                    if inString {
                        if escaped {
                            escaped = false
                        } else if value == UInt8(ascii: "\\") {
                            escaped = true
                        } else if value == UInt8(ascii: "\"") {
                            inString = false
                            if depth == 0 { break scanning }
                        }
                        continue
                    }
                    switch value {
                    case 0x0A:
                        if let base = window.baseAddress {
                            cursor = StringByteScan.skipSpaces(
                                UnsafePointer(base.assumingMemoryBound(to: UInt8.self)), from: cursor,
                                count: windowCount)
                        }
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth <= 0 { break scanning }
                    default: break
                    }
                }
            }
        default:
            // A scalar: runs to the next structural byte or whitespace.
            scalar: while true {
                guard try more() else { break scalar }
                switch byte(at: cursor) {
                case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D:
                    break scalar
                default: cursor += 1
                }
            }
        }
        let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: window[start..<cursor]))
        return (startOffset, bytes)
    }

    private func kindOfValue(startingWith value: UInt8) -> String {
        switch value {
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "not JSON (starts with \(describe(value)))"
        }
    }

    private func describe(_ value: UInt8) -> String {
        if value >= 0x21 && value < 0x7F { return "'\(Character(Unicode.Scalar(value)))'" }
        return "byte 0x" + String(value, radix: 16, uppercase: true)
    }

    // MARK: - Object form

    /// The object form walks `{ "key": [elements...], "key": value, ... }`:
    /// `start` opens the object, `expectingKey` reads a member up to its value
    /// (an array is then streamed element by element), `inArray` yields elements.
    private func nextInObject() throws(JSONStreamError) -> JSONStreamEvent? {
        switch state {
        case .finished:
            return nil
        case .start:
            try openTopLevelObject()
            return try nextInObject()
        case .expectingKey(let first):
            return try nextMember(first: first)
        case .inArray(let key, let count, let afterElement):
            return try nextElement(of: key, count: count, afterElement: afterElement)
        }
    }

    /// Consumes the `{` that must open the file.
    private func openTopLevelObject() throws(JSONStreamError) {
        guard let first = try peekSignificant() else {
            throw JSONStreamError(reason: "file is empty", byteOffset: fileOffset)
        }
        guard first == UInt8(ascii: "{") else {
            throw JSONStreamError(
                reason:
                    "top-level value is \(kindOfValue(startingWith: first)); expected an object whose members are arrays",
                byteOffset: fileOffset)
        }
        cursor += 1
        state = .expectingKey(first: true)
    }

    /// The next top-level member: the start of its array, or the whole of any
    /// other value; nil after the closing `}`.
    private func nextMember(first: Bool) throws(JSONStreamError) -> JSONStreamEvent? {
        guard try skipToMemberName(first: first) else {
            try expectEndOfFile()
            return nil
        }
        let key = try readMemberName()
        guard let valueStart = try peekSignificant() else {
            throw JSONStreamError(
                reason: "file ends before the value of '\(key)' (truncated)", byteOffset: fileOffset, key: key)
        }
        if valueStart == UInt8(ascii: "[") {
            let offset = fileOffset
            cursor += 1
            state = .inArray(key: key, count: 0, afterElement: false)
            return .arrayStart(key: key, byteOffset: offset)
        }
        let (offset, bytes) = try scanValue(elementIndex: nil, key: key, what: "the value of '\(key)'")
        state = .expectingKey(first: false)
        switch JSONParser.parse(bytes) {
        case .success(let value):
            return .member(key: key, value: value, byteOffset: offset)
        case .failure(let syntax):
            throw JSONStreamError(
                reason: "value of '\(key)': \(syntax.reason)", byteOffset: offset + Int64(syntax.position), key: key)
        }
    }

    /// Moves past the `,` before a member that is not the first; false (the
    /// `}` consumed) when the object ends instead. The cursor is then on the
    /// member name's opening quote.
    private func skipToMemberName(first: Bool) throws(JSONStreamError) -> Bool {
        func significant() throws(JSONStreamError) -> UInt8 {
            guard let next = try peekSignificant() else {
                throw JSONStreamError(
                    reason: "file ends inside the top-level object (truncated)", byteOffset: fileOffset)
            }
            return next
        }
        var next = try significant()
        if next == UInt8(ascii: "}") {
            cursor += 1
            return false
        }
        if !first {
            guard next == UInt8(ascii: ",") else {
                throw JSONStreamError(
                    reason: "unexpected \(describe(next)) between top-level members; expected ',' or '}'",
                    byteOffset: fileOffset)
            }
            cursor += 1
            next = try significant()
        }
        guard next == UInt8(ascii: "\"") else {
            throw JSONStreamError(
                reason: "unexpected \(describe(next)) where a top-level member name was expected",
                byteOffset: fileOffset)
        }
        return true
    }

    /// Reads a member name and the `:` after it; a name given twice is refused.
    private func readMemberName() throws(JSONStreamError) -> String {
        let keyOffset = fileOffset
        let (_, keyBytes) = try scanValue(elementIndex: nil, key: nil, what: "a top-level member name")
        guard case .success(.string(let key)) = JSONParser.parse(keyBytes) else {
            throw JSONStreamError(reason: "top-level member name is not a valid JSON string", byteOffset: keyOffset)
        }
        if let firstOffset = seenKeys[key] {
            throw JSONStreamError(
                reason: "top-level member '\(key)' appears twice (first at byte \(firstOffset))",
                byteOffset: keyOffset, key: key)
        }
        seenKeys[key] = keyOffset
        guard try peekSignificant() == UInt8(ascii: ":") else {
            throw JSONStreamError(
                reason: "expected ':' after top-level member name '\(key)'", byteOffset: fileOffset, key: key)
        }
        cursor += 1
        return key
    }

    /// The next element of the array `key` (`count` read so far), or its end.
    private func nextElement(of key: String, count: Int, afterElement: Bool) throws(JSONStreamError)
        -> JSONStreamEvent
    {
        func truncated() -> JSONStreamError {
            JSONStreamError(
                reason: "file ends inside array '\(key)' after \(count) elements (truncated)",
                byteOffset: fileOffset, elementIndex: count, key: key)
        }
        guard var next = try peekSignificant() else { throw truncated() }
        if next == UInt8(ascii: "]") {
            cursor += 1
            state = .expectingKey(first: false)
            return .arrayEnd(key: key, count: count)
        }
        if afterElement {
            guard next == UInt8(ascii: ",") else {
                throw JSONStreamError(
                    reason: "unexpected \(describe(next)) after element \(count - 1) of '\(key)'; expected ',' or ']'",
                    byteOffset: fileOffset, elementIndex: count - 1, key: key)
            }
            cursor += 1
            guard let afterComma = try peekSignificant() else { throw truncated() }
            if afterComma == UInt8(ascii: "]") {
                throw JSONStreamError(
                    reason: "trailing ',' after element \(count - 1) of '\(key)'", byteOffset: fileOffset,
                    elementIndex: count - 1, key: key)
            }
            next = afterComma
        }
        if next == UInt8(ascii: ",") {
            throw JSONStreamError(
                reason: "unexpected ',' where element \(count) of '\(key)' should start", byteOffset: fileOffset,
                elementIndex: count, key: key)
        }
        let (offset, bytes) = try scanValue(elementIndex: count, key: key, what: "this element")
        state = .inArray(key: key, count: count + 1, afterElement: true)
        return .element(RawElement(key: key, index: count, byteOffset: offset, bytes: bytes))
    }

    private func expectEndOfFile() throws(JSONStreamError) {
        if let trailing = try peekSignificant() {
            throw JSONStreamError(
                reason: "unexpected \(describe(trailing)) after the top-level object", byteOffset: fileOffset)
        }
        state = .finished
    }

    // MARK: - JSON Lines form

    private func nextLine() throws(JSONStreamError) -> JSONStreamEvent? {
        if case .finished = state { return nil }
        if case .start = state {
            guard try fill(keeping: cursor) else {
                throw JSONStreamError(reason: "file is empty", byteOffset: 0)
            }
            state = .expectingKey(first: true)
        }
        while true {
            var start = cursor
            // Find the end of the line, sliding the window as needed.
            var lineEnd: Int? = nil
            var scanFrom = cursor
            while lineEnd == nil {
                if scanFrom < windowCount, let base = window.baseAddress {
                    if let hit = memchr(base + scanFrom, 0x0A, windowCount - scanFrom) {
                        lineEnd = base.distance(to: hit)
                        break
                    }
                    scanFrom = windowCount
                }
                cursor = windowCount
                let before = windowOffset
                let available = try fill(keeping: start)
                let shift = Int(windowOffset - before)
                start -= shift
                scanFrom -= shift
                if !available { break }
            }
            let terminated = lineEnd != nil
            let end = lineEnd ?? windowCount
            cursor = terminated ? end + 1 : end
            var contentEnd = end
            if contentEnd > start && byte(at: contentEnd - 1) == 0x0D { contentEnd -= 1 }
            let startOffset = windowOffset + Int64(start)
            let isBlank = (start..<contentEnd).allSatisfy { index in
                let value = byte(at: index)
                return value == 0x20 || value == 0x09 || value == 0x0D
            }
            if isBlank {
                if !terminated {
                    state = .finished
                    return nil
                }
                continue
            }
            let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: window[start..<contentEnd]))
            let element = RawElement(key: nil, index: lineIndex, byteOffset: startOffset, bytes: bytes)
            lineIndex += 1
            if !terminated {
                state = .finished
                // A last line without a newline that does not parse is a cut-off
                // file, not one bad element: the rest of the data is missing.
                if case .failure(let error) = element.parse() {
                    throw JSONStreamError(
                        reason: "file ends inside this line (truncated): \(error.reason)",
                        byteOffset: error.byteOffset, elementIndex: element.index)
                }
            }
            return .element(element)
        }
    }
}
