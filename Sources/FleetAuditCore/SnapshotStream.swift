import Dispatch
import FleetAuditJSON

/// The one primitive every snapshot reader uses to stream an array: the
/// primary array of a snapshot file, a named array of any JSON file (`events`
/// of a log export), or every line of a JSON Lines file. It checks what an
/// element parser cannot see (the member is an array, the array exists) and
/// locates every element for messages.
///
/// Two ways to consume it: `forEach` parses each element on the calling
/// thread; `forEachParallel` parses and transforms waves of elements on worker
/// threads while the next wave is being read, and hands the results back in
/// element order, so the output never depends on the worker count.
public struct SnapshotStream: Sendable {
    /// How messages name the file (`certificates.json`, `iot-logs/day.jsonl`).
    public var name: String
    public var path: String
    public var form: JSONFileForm
    /// The array to stream (ignored for JSON Lines).
    public var arrayKey: String
    /// Bytes and elements read, for the progress line.
    public var progress: AuditProgress?

    public init(name: String, path: String, form: JSONFileForm, arrayKey: String, progress: AuditProgress? = nil) {
        self.name = name
        self.path = path
        self.form = form
        self.arrayKey = arrayKey
        self.progress = progress
    }

    /// The primary array of a located snapshot file.
    public init(_ located: LocatedFile, progress: AuditProgress? = nil) {
        self.init(
            name: located.name, path: located.path, form: located.form, arrayKey: located.file.primaryArrayKey ?? "",
            progress: progress)
    }

    /// Elements per wave per worker: large enough to amortise the dispatch, small
    /// enough that a wave's raw bytes and parsed values stay a few megabytes.
    static let elementsPerWorker = 256

    /// The largest element evaluated, in bytes (docs/security.md, "Limits and
    /// honest status"). A larger one is not evaluable: it is never parsed, so
    /// its text is not copied into values, findings or messages (a 150 MiB
    /// policy name took 1.25 GB). Real elements are a few KiB: an IoT policy
    /// document is at most 2,048 characters, an IAM one 10,240; 16 MiB still
    /// admits a document of 20,000 statements.
    public static let elementSizeLimit = 16 << 20
    /// Raw bytes read ahead per wave, whatever the element count.
    static let waveByteBudget = 8 << 20

    /// Every raw element in order. Throws when the file cannot be read as a whole.
    public func forEachRaw(_ body: (RawElement) throws(SnapshotProblem) -> Void) throws(SnapshotProblem) {
        do {
            let stream = try JSONElementStream(path: path, form: form)
            var sawArray = form == .lines
            var lastOffset: Int64 = 0
            while let event = try stream.next() {
                switch event {
                case .element(let element) where element.key == nil || element.key == arrayKey:
                    if let progress {
                        progress.advance(bytes: element.byteOffset - lastOffset, elements: 1)
                        lastOffset = element.byteOffset
                    }
                    try body(element)
                case .arrayStart(let key, _) where key == arrayKey:
                    sawArray = true
                case .member(let key, let value, let offset) where key == arrayKey:
                    throw SnapshotProblem(
                        file: name, byteOffset: offset,
                        reason: "'\(arrayKey)' is \(Self.article(value.typeName)); expected an array")
                default:
                    continue
                }
            }
            if !sawArray { throw SnapshotProblem(file: name, reason: "no '\(arrayKey)' array in the file") }
        } catch {
            throw SnapshotProblem(file: name, caught: error)
        }
    }

    /// Every element parsed, in order, on the calling thread.
    public func forEach(_ body: (StreamedElement) throws(SnapshotProblem) -> Void) throws(SnapshotProblem) {
        try forEachRaw { raw throws(SnapshotProblem) in try body(streamed(raw)) }
    }

    /// Where `raw` is, for messages; its reason is empty.
    public func location(of raw: RawElement) -> SnapshotProblem {
        SnapshotProblem(file: name, elementIndex: raw.index, byteOffset: raw.byteOffset, reason: "")
    }

    /// The element parsed, with its location.
    public func streamed(_ raw: RawElement, members: JSONMemberSelection? = nil) -> StreamedElement {
        let location = self.location(of: raw)
        guard raw.bytes.count <= Self.elementSizeLimit else {
            var problem = location
            problem.reason =
                "element is \(raw.bytes.count) bytes, over the \(Self.elementSizeLimit >> 20) MiB element size limit; "
                + "not evaluated"
            return StreamedElement(location: location, value: .failure(problem))
        }
        let parsed = members.map { raw.parse(members: $0) } ?? raw.parse()
        let value = parsed.mapError { error in
            SnapshotProblem(
                file: name, elementIndex: raw.index, byteOffset: raw.byteOffset,
                reason: "not valid JSON at byte \(error.byteOffset): \(error.reason)")
        }
        return StreamedElement(location: location, value: value)
    }

    /// Parses and transforms elements on `workers` threads (`members`: only
    /// these top-level members are built, the rest validated), and calls `consume` on the calling
    /// thread with each result in element order. The calling thread is one of
    /// the workers: it reads the next wave, then works on the wave before it
    /// beside the other workers, then consumes that wave's results.
    public func forEachParallel<Value: Sendable>(
        workers: Int, members: JSONMemberSelection? = nil, _ transform: @escaping @Sendable (StreamedElement) -> Value,
        consume: (Value, SnapshotProblem) throws(SnapshotProblem) -> Void
    ) throws(SnapshotProblem) {
        let stream = self
        try forEachParallel(workers: workers, reading: { raw in transform(stream.streamed(raw, members: members)) }) {
            value, location throws(SnapshotProblem) in try consume(value, location)
        }
    }

    /// `forEachParallel` for a reader of the raw element: it may read the bytes
    /// in place (the log reader's fast path) and hand the rest to `streamed`.
    public func forEachParallel<Value: Sendable>(
        workers: Int, reading read: @escaping @Sendable (RawElement) -> Value,
        consume: (Value, SnapshotProblem) throws(SnapshotProblem) -> Void
    ) throws(SnapshotProblem) {
        // One worker is one thread: no reading ahead on another, so `--workers 1` is the
        // single-threaded baseline that the parallel runs are measured against.
        guard workers > 1 else {
            return try forEachRaw { raw throws(SnapshotProblem) in
                try consume(read(raw), location(of: raw))
            }
        }
        // `workers - 1` helper threads and this one: as many threads as workers. A
        // reading thread of its own beside `workers` helpers kept one thread more busy
        // than there are workers, and the kernel switched between them some 60,000
        // times in a 200k-device audit (docs/benchmarks.md, "Fourth round").
        let helpers = Parallel.WorkerQueues(count: workers - 1)
        var wave: [RawElement] = []
        var waveBytes = 0
        var pending: (elements: [RawElement], window: IndexWindow<Value>)?
        // Work still in flight when reading fails must not outlive this call.
        defer { pending?.window.group.wait() }

        /// Works on the wave beside the helpers until its blocks run out, waits for
        /// the helpers' last blocks, and consumes its results in element order.
        func finish(_ finished: (elements: [RawElement], window: IndexWindow<Value>)) throws(SnapshotProblem) {
            finished.window.work()
            finished.window.group.wait()
            for (position, element) in finished.elements.enumerated() {
                guard let value = finished.window.take(position) else { continue }
                try consume(value, location(of: element))
            }
        }
        /// Starts the wave just read on the helpers, then finishes the one before
        /// it. The new wave is queued before the previous one has finished, so a
        /// helper that runs out of blocks of the old wave moves on to the new one
        /// instead of idling while this thread consumes; at most two waves are in flight.
        func launch() throws(SnapshotProblem) {
            guard !wave.isEmpty else { return }
            let elements = wave
            // Blocks of 16 elements: a log line takes a few microseconds, too little to take one at a time.
            let window = IndexWindow(elements.indices, blockSize: 16) { position in read(elements[position]) }
            wave = []
            waveBytes = 0
            helpers.start(threads: workers - 1, group: window.group) { window.work() }
            let previous = pending
            pending = (elements, window)
            if let previous { try finish(previous) }
        }

        try forEachRaw { raw throws(SnapshotProblem) in
            wave.append(raw)
            waveBytes += raw.bytes.count
            if wave.count >= workers * Self.elementsPerWorker || waveBytes >= Self.waveByteBudget { try launch() }
        }
        try launch()
        if let last = pending {
            pending = nil
            try finish(last)
        }
    }

    static func article(_ typeName: String) -> String {
        typeName.first.map { "aeiou".contains($0) } == true ? "an \(typeName)" : "a \(typeName)"
    }
}
