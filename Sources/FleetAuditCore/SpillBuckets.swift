import FleetAuditBase

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Records partitioned by a 64-bit key hash into buckets, held in memory while
/// they fit the budget and spilled to files in the run's scratch directory when
/// they do not. A bucket reads back the same bytes either way, so results never
/// depend on whether a run spilled.
///
/// A bucket is a contiguous range of hashes (its top bits), so bucket order is
/// hash order whatever the bucket count, and a range of buckets can be
/// processed on its own (a later sharded run gives each machine a range).
/// Appends are serialised by a lock, so workers may append concurrently;
/// readers must impose their own order on a bucket's records when appends
/// came from several threads.
public final class SpillBuckets: @unchecked Sendable {
    public let count: Int
    private let shift: UInt64
    private let name: String
    private let resources: AuditRunResources
    private let bufferBudget: Int
    private let lock = Lock()
    private var buffers: [[UInt8]]
    private var spilledBytes: [Int]
    private var bufferedBytes = 0
    private var paths: [String?]
    /// Set when a write failed; the run is aborted through `resources`.
    private(set) var failed = false

    /// `expectedBytes`: about how much will be written, to size the buckets so
    /// that one bucket's records fit a worker's share of the budget.
    public convenience init(name: String, expectedBytes: Int64, resources: AuditRunResources) {
        // A bucket's records, decoded, take a few times their encoded size; keep
        // one bucket per worker well inside the budget.
        let perBucket = max(1 << 18, resources.memoryBudget / (resources.workers * 8))
        var bits = 8
        while bits < 16, (Int64(1) << bits) * Int64(perBucket) < expectedBytes { bits += 1 }
        self.init(name: name, bucketBits: bits, resources: resources)
    }

    /// Buckets that partition hashes exactly as `other` does (to join the two bucket by bucket).
    public convenience init(name: String, like other: SpillBuckets, resources: AuditRunResources) {
        self.init(name: name, bucketBits: 64 - Int(other.shift), resources: resources)
    }

    private init(name: String, bucketBits bits: Int, resources: AuditRunResources) {
        self.name = name
        self.resources = resources
        bufferBudget = max(1, resources.spillBufferLimit)
        count = 1 << bits
        shift = UInt64(64 - bits)
        buffers = Array(repeating: [], count: count)
        spilledBytes = Array(repeating: 0, count: count)
        paths = Array(repeating: nil, count: count)
    }

    /// The bucket of a key hash: its top bits.
    public func bucket(ofHash hash: UInt64) -> Int { Int(hash >> shift) }

    /// Appends one encoded record to the bucket of `hash`.
    public func append(_ record: [UInt8], hash: UInt64) {
        append(record, prefixedBy: nil, hash: hash)
    }

    /// Appends `SpillRecordWriter`'s encoding of `prefix` followed by `record` as one
    /// record, without building the joined bytes first (once per log line).
    public func append(_ record: [UInt8], prefixedBy prefix: Int64?, hash: UInt64) {
        lock.withLock { appendLocked(record, prefixedBy: prefix, hash: hash) }
    }

    /// Appends several records under one lock: for workers that each produce a run
    /// of records (the sessions of one client bucket), which appended one by one from
    /// two workers waited on each other for the lock.
    public func append(contentsOf records: [(record: [UInt8], hash: UInt64)]) {
        guard !records.isEmpty else { return }
        lock.withLock {
            for (record, hash) in records { appendLocked(record, prefixedBy: nil, hash: hash) }
        }
    }

    /// One record (lock held).
    private func appendLocked(_ record: [UInt8], prefixedBy prefix: Int64?, hash: UInt64) {
        guard !failed else { return }
        let index = bucket(ofHash: hash)
        let zigzag = prefix.map { UInt64(bitPattern: ($0 << 1) ^ ($0 >> 63)) }
        let prefixCount = zigzag.map(Self.varintCount) ?? 0
        Self.appendVarint(UInt64(prefixCount + record.count), to: &buffers[index])
        if let zigzag { Self.appendVarint(zigzag, to: &buffers[index]) }
        buffers[index].append(contentsOf: record)
        bufferedBytes += prefixCount + record.count + 2
        if bufferedBytes > bufferBudget { spillAll() }
    }

    static func varintCount(_ value: UInt64) -> Int {
        max(1, (UInt64.bitWidth - value.leadingZeroBitCount + 6) / 7)
    }

    static func appendVarint(_ value: UInt64, to buffer: inout [UInt8]) {
        var rest = value
        repeat {
            buffer.append(UInt8(rest & 0x7F) | (rest >= 0x80 ? 0x80 : 0))
            rest >>= 7
        } while rest > 0
    }

    /// Ends a writing phase: once anything has spilled, the rest is spilled too,
    /// so the buffers do not stay in memory while the buckets are read back.
    public func finishWriting() {
        lock.withLock {
            guard !failed, paths.contains(where: { $0 != nil }) else { return }
            spillAll()
        }
    }

    /// Writes every buffered bucket to its file (lock held).
    private func spillAll() {
        for index in buffers.indices where !buffers[index].isEmpty {
            let path = paths[index] ?? resources.scratchPath("\(name)-\(index)")
            paths[index] = path
            if !Self.appendBytes(buffers[index], to: path) {
                failed = true
                resources.abort(
                    SnapshotProblem(file: path, reason: "cannot write spill file: \(String(cString: strerror(errno)))"))
                return
            }
            spilledBytes[index] += buffers[index].count
            resources.addSpilled(buffers[index].count)
            buffers[index] = []
        }
        bufferedBytes = 0
    }

    static func appendBytes(_ bytes: [UInt8], to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let base = raw.baseAddress else { return false }
                let written = write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// Whether anything was written to disk (for tests of the spilling path).
    public var spilled: Bool { lock.withLock { paths.contains { $0 != nil } } }

    /// The records of one bucket, in append order (the bucket stays: several
    /// checks may read it; spill files go with the run's scratch directory).
    /// Returns nil when the spill file could not be read (the run is aborted).
    public func records(_ index: Int) -> [[UInt8]]? {
        var records: [[UInt8]] = []
        let read = forEachRecord(index) { records.append(Array($0)) }
        return read ? records : nil
    }

    /// Calls `body` with each record of one bucket, in append order, as bytes that
    /// are valid only during the call: no array a record, for readers that decode
    /// the records at once (a client bucket's log events). False when the spill file
    /// could not be read (the run is aborted).
    public func forEachRecord(_ index: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        let (path, buffered) = lock.withLock { (paths[index], buffers[index]) }
        var bytes: [UInt8] = []
        if let path {
            guard let stored = FileSystem.readFile(path) else {
                resources.abort(SnapshotProblem(file: path, reason: "cannot read spill file: \(FileSystem.lastError)"))
                return false
            }
            bytes = stored
        }
        bytes += buffered
        bytes.withUnsafeBytes { raw in
            var position = 0
            while position < raw.count {
                var length = 0
                var shiftBits = 0
                while position < raw.count {
                    let byte = raw[position]
                    position += 1
                    length |= Int(byte & 0x7F) << shiftBits
                    shiftBits += 7
                    if byte & 0x80 == 0 { break }
                }
                let end = min(raw.count, position + length)
                body(UnsafeRawBufferPointer(rebasing: raw[position..<end]))
                position = end
            }
        }
        return true
    }
}

/// FNV-1a, 64 bits: a stable hash (unlike `Hasher`, the same in every run) for partitioning.
public func stableHash(_ bytes: some Sequence<UInt8>) -> UInt64 {
    // Called once or twice per log line from other modules, where the generic
    // loop would go through the witness table a byte at a time (3% of an audit's
    // CPU): contiguous bytes (native strings, arrays) take the specialised loop.
    if let hash = bytes.withContiguousStorageIfAvailable({ stableHash(UnsafeRawBufferPointer($0)) }) { return hash }
    return Array(bytes).withUnsafeBytes { stableHash($0) }
}

/// The same hash of bytes in memory (a record being decoded, a native string's UTF-8).
public func stableHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return stableHashAvalanche(hash)
}

private func stableHashAvalanche(_ fnv: UInt64) -> UInt64 {
    var hash = fnv
    // FNV's top bits mix poorly for short keys; a final avalanche spreads them over the buckets.
    hash ^= hash >> 33
    hash = hash &* 0xff51_afd7_ed55_8ccd
    hash ^= hash >> 33
    return hash
}

/// A compact binary record: varints and length-prefixed byte strings.
public struct SpillRecordWriter {
    public private(set) var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(96) }

    public mutating func write(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        repeat {
            bytes.append(UInt8(zigzag & 0x7F) | (zigzag >= 0x80 ? 0x80 : 0))
            zigzag >>= 7
        } while zigzag > 0
    }

    public mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            write(Int64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Bytes in place (a string read from its source), written as `write(_: String)` writes a string's UTF-8.
    public mutating func write(utf8: UnsafeRawBufferPointer) {
        write(Int64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    public mutating func write(_ flag: Bool) { bytes.append(flag ? 1 : 0) }
}

/// Reads what `SpillRecordWriter` wrote, in the same order.
public struct SpillRecordReader {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func readInt() -> Int64 { read { $0.readInt() } }

    public mutating func readString() -> String { read { String(decoding: $0.readStringBytes(), as: UTF8.self) } }

    public mutating func readBool() -> Bool { read { $0.readBool() } }

    /// One read through a cursor over the bytes, from where the last one ended.
    private mutating func read<Value>(_ body: (inout SpillRecordCursor) -> Value) -> Value {
        let bytes = self.bytes
        return bytes.withUnsafeBytes { raw in
            var cursor = SpillRecordCursor(raw, position: position)
            defer { position = cursor.position }
            return body(&cursor)
        }
    }
}

/// Reads what `SpillRecordWriter` wrote from bytes it does not own (a record of
/// `SpillBuckets.forEachRecord`), handing strings back as bytes, so a reader that
/// interns them builds a `String` only for the first occurrence.
public struct SpillRecordCursor {
    private let bytes: UnsafeRawBufferPointer
    /// Where the next read starts.
    public private(set) var position: Int

    public init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public mutating func readInt() -> Int64 {
        var value: UInt64 = 0
        var shiftBits: UInt64 = 0
        while position < bytes.count, shiftBits < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shiftBits
            shiftBits += 7
            if byte & 0x80 == 0 { break }
        }
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    /// A string's UTF-8 bytes, valid as long as the record is.
    public mutating func readStringBytes() -> UnsafeRawBufferPointer {
        let length = Int(clamping: max(0, readInt()))
        let end = min(bytes.count, position + length)
        defer { position = end }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<end])
    }

    public mutating func readBool() -> Bool {
        guard position < bytes.count else { return false }
        defer { position += 1 }
        return bytes[position] != 0
    }
}
