#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// PEM (RFC 7468) to DER, decoding the base64 body straight into one buffer.
///
/// A certificate of `certificates.json` is decoded once per element of a file
/// that can hold millions of them, so this reads the text's UTF-8 in place:
/// no per-line strings, no copy of the body without its line breaks, one
/// allocation (the DER) per block.
///
/// Tolerant of what RFC 7468 allows around and inside a block: whitespace
/// before and after it, spaces or tabs at the end of its BEGIN and END lines,
/// LF or CRLF line breaks, lines of any length, whitespace anywhere in the
/// base64 body. Strict about everything else: text around a single block,
/// characters outside the base64 alphabet, missing or misplaced padding,
/// non-zero bits after the last byte (two encodings of one DER), mismatched
/// labels, an empty body. The messages say what and where (line numbers),
/// and never echo the snapshot's bytes except a label that is printable ASCII.
public enum PEM {
    /// One block: its label (`CERTIFICATE`) and its body decoded.
    public struct Block: Sendable, Hashable {
        public var label: String
        public var der: [UInt8]
    }

    static let certificateLabel = "CERTIFICATE"

    /// The DER of a text holding exactly one `CERTIFICATE` block (whitespace around it allowed).
    public static func certificate(_ text: String) -> Result<[UInt8], X509Problem> {
        withUTF8(text) { bytes in
            var reader = Reader(bytes)
            reader.skipWhitespace()
            guard reader.isAtBoundary(begin) else {
                return .failure(X509Problem("not a PEM document (no valid -----BEGIN/END----- block)"))
            }
            do throws(X509Problem) {
                let block = try reader.block(expecting: certificateLabel)
                reader.skipWhitespace()
                if reader.isAtEnd { return .success(block.der) }
                if reader.isAtBoundary(begin) {
                    return .failure(
                        X509Problem("PEM holds \(1 + reader.countBoundaries()) blocks; expected one CERTIFICATE"))
                }
                return .failure(X509Problem("text after the -----END CERTIFICATE----- line (line \(reader.line))"))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Every block of a bundle (`ca-chain/*.pem`). Text between blocks is allowed
    /// (`openssl s_client -showcerts` writes subject and issuer lines there); a
    /// malformed block fails the whole text, since where the next one starts is
    /// then unknown.
    public static func blocks(_ text: String) -> Result<[Block], X509Problem> {
        withUTF8(text) { bytes in
            var reader = Reader(bytes)
            var blocks: [Block] = []
            do throws(X509Problem) {
                while reader.skip(toBoundary: begin) {
                    blocks.append(try reader.block(expecting: nil))
                }
            } catch {
                return .failure(error)
            }
            return .success(blocks)
        }
    }

    private static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        // Native strings (what the JSON layer builds) are contiguous UTF-8: read them in place.
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    static let begin: StaticString = "-----BEGIN "
    static let end: StaticString = "-----END "
    static let dashes: StaticString = "-----"

    /// A cursor over the text's bytes.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var isAtEnd: Bool { position == bytes.count }

        /// The 1-based line of the cursor, for messages (computed only on errors).
        var line: Int { 1 + bytes[0..<position].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        mutating func skipWhitespace() {
            while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
        }

        func isAtBoundary(_ marker: StaticString) -> Bool { matches(marker, at: position) }

        func matches(_ marker: StaticString, at offset: Int) -> Bool {
            let count = marker.utf8CodeUnitCount
            guard bytes.count - offset >= count else { return false }
            let start = marker.utf8Start
            for index in 0..<count where bytes[offset + index] != start[index] { return false }
            return true
        }

        /// Moves to the next `marker`; false when there is none.
        mutating func skip(toBoundary marker: StaticString) -> Bool {
            while position < bytes.count {
                if bytes[position] == 0x2D, isAtBoundary(marker) { return true }
                position += 1
            }
            return false
        }

        /// How many `-----BEGIN ` markers remain from the cursor.
        func countBoundaries() -> Int {
            var copy = self
            var count = 0
            while copy.skip(toBoundary: PEM.begin) {
                count += 1
                copy.position += 1
            }
            return count
        }

        /// Reads `<label>-----` after a BEGIN or END marker: printable ASCII, at most 64 characters.
        mutating func label(after marker: StaticString, name: String) throws(X509Problem) -> ArraySlice<UInt8> {
            position += marker.utf8CodeUnitCount
            let start = position
            while position < bytes.count, bytes[position] != 0x0A {
                if matches(PEM.dashes, at: position) {
                    let label = bytes[start..<position]
                    guard !label.isEmpty, label.count <= 64, label.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                        throw X509Problem("the PEM \(name) line (line \(line)) has an invalid label")
                    }
                    position += PEM.dashes.utf8CodeUnitCount
                    return ArraySlice(label)
                }
                position += 1
            }
            throw X509Problem("the PEM \(name) line (line \(line)) does not end with -----")
        }

        /// Spaces or tabs, then a line break. After an END line, also the end of the text or the
        /// next block's BEGIN marker (PEM files concatenated without a final line break).
        mutating func lineEnd(name: String, endAllowed: Bool) throws(X509Problem) {
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
            if endAllowed, position == bytes.count || isAtBoundary(PEM.begin) { return }
            if position < bytes.count, bytes[position] == 0x0A {
                position += 1
                return
            }
            if bytes.count - position >= 2, bytes[position] == 0x0D, bytes[position + 1] == 0x0A {
                position += 2
                return
            }
            throw X509Problem("the PEM \(name) line (line \(line)) has text after its closing -----")
        }

        /// One block from its BEGIN marker. `expecting`: the only label accepted
        /// (checked before the body is decoded).
        mutating func block(expecting: String?) throws(X509Problem) -> Block {
            let beginLabel = try label(after: PEM.begin, name: "BEGIN")
            let labelText = String(decoding: beginLabel, as: UTF8.self)
            if let expecting, labelText != expecting {
                throw X509Problem("PEM block is '\(labelText)', not a \(expecting)")
            }
            try lineEnd(name: "BEGIN", endAllowed: false)
            let der = try body()
            let endLabel = try label(after: PEM.end, name: "END")
            guard endLabel.elementsEqual(beginLabel) else {
                throw X509Problem(
                    "the PEM block begins as '\(labelText)' and ends as '\(String(decoding: endLabel, as: UTF8.self))'")
            }
            try lineEnd(name: "END", endAllowed: true)
            return Block(label: labelText, der: der)
        }

        /// The base64 body up to the END marker, decoded into one exactly-sized-or-smaller buffer.
        mutating func body() throws(X509Problem) -> [UInt8] {
            let start = position
            // Find the END marker first: its offset bounds the output size, so one allocation suffices.
            // From dash to dash with memchr: a body is some 1,300 base64 digits without one.
            var scan = position
            while scan < bytes.count, let base = bytes.baseAddress,
                let dash = memchr(base + scan, 0x2D, bytes.count - scan)
            {
                scan = base.distance(to: dash.assumingMemoryBound(to: UInt8.self))
                if matches(PEM.end, at: scan) { break }
                scan += 1
            }
            guard scan < bytes.count, matches(PEM.end, at: scan) else {
                position = bytes.count
                throw X509Problem("the PEM block has no -----END line")
            }
            let stop = scan
            var problem: X509Problem? = nil
            // The table through a local pointer: indexing the global array per byte costs a lazy-init
            // check and a bounds check each time (61,000 instructions per certificate under
            // callgrind before, 42,000 after).
            let der = Self.base64Value.withUnsafeBufferPointer { table in
                self.decode(from: start, to: stop, table: table, problem: &problem)
            }
            if let problem { throw problem }
            guard !der.isEmpty else { throw X509Problem("the PEM block has an empty body") }
            return der
        }

        /// Decodes the base64 digits of `start..<stop`; sets `problem` and returns what it has on an error.
        mutating func decode(
            from start: Int, to stop: Int, table: UnsafeBufferPointer<UInt8>, problem: inout X509Problem?
        ) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: (stop - start) / 4 * 3 + 3) { output, count in
                count = 0
                var accumulator: UInt32 = 0
                var digits = 0  // base64 digits in the current quantum
                var padding = 0
                var index = start
                while index < stop {
                    // A whole quantum of four alphabet characters, as nearly every one of a
                    // PEM body is (a line is sixteen of them): one test instead of four.
                    if digits == 0 && padding == 0 && index + 4 <= stop {
                        let first = table[Int(bytes[index])]
                        let second = table[Int(bytes[index + 1])]
                        let third = table[Int(bytes[index + 2])]
                        let fourth = table[Int(bytes[index + 3])]
                        if first | second | third | fourth < 64 {
                            let quantum =
                                UInt32(first) << 18 | UInt32(second) << 12 | UInt32(third) << 6 | UInt32(fourth)
                            output[count] = UInt8(truncatingIfNeeded: quantum >> 16)
                            output[count + 1] = UInt8(truncatingIfNeeded: quantum >> 8)
                            output[count + 2] = UInt8(truncatingIfNeeded: quantum)
                            count += 3
                            index += 4
                            continue
                        }
                    }
                    let byte = bytes[index]
                    index += 1
                    if Self.isWhitespace(byte) { continue }
                    if byte == 0x3D {  // '='
                        padding += 1
                        continue
                    }
                    let value = table[Int(byte)]
                    guard value < 64, padding == 0 else {
                        position = index - 1
                        problem = X509Problem(
                            value < 64
                                ? "the base64 body has data after its padding (line \(line))"
                                : "the base64 body has a character outside the base64 alphabet (line \(line))")
                        return
                    }
                    accumulator = accumulator << 6 | UInt32(value)
                    digits += 1
                    if digits == 4 {
                        output[count] = UInt8(truncatingIfNeeded: accumulator >> 16)
                        output[count + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                        output[count + 2] = UInt8(truncatingIfNeeded: accumulator)
                        count += 3
                        accumulator = 0
                        digits = 0
                    }
                }
                position = stop
                // The last quantum: 2 digits + "==" (one byte) or 3 digits + "=" (two bytes).
                switch (digits, padding) {
                case (0, 0):
                    break
                case (2, 2):
                    guard accumulator & 0x0F == 0 else { break }
                    output[count] = UInt8(truncatingIfNeeded: accumulator >> 4)
                    count += 1
                    return
                case (3, 1):
                    guard accumulator & 0x03 == 0 else { break }
                    output[count] = UInt8(truncatingIfNeeded: accumulator >> 10)
                    output[count + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                    count += 2
                    return
                default:
                    problem = X509Problem(
                        "the base64 body's length or padding is wrong (\(digits) digit(s) and \(padding) '=' at the end)"
                    )
                    return
                }
                if digits != 0 {
                    problem = X509Problem("the base64 body has non-zero bits after its last byte (not canonical)")
                }
            }
        }

        /// Base64 digit values; 0xFF for every other byte.
        static let base64Value: [UInt8] = {
            var table = [UInt8](repeating: 0xFF, count: 256)
            for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
                .enumerated()
            {
                table[Int(character)] = UInt8(value)
            }
            return table
        }()
    }
}
