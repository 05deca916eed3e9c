#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the checks of one audit run share: the workers, the memory budget,
/// scratch space for spill files, and facts gathered once for every check that
/// needs them (the CA index, IAM roles, the connection-log partitions).
public final class AuditRunResources: @unchecked Sendable {
    /// Parallel workers of every stage.
    public let workers: Int
    /// Bytes the spilling stages may hold in memory at once (`--memory-budget`).
    public let memoryBudget: Int
    /// A private directory for spill files, removed with the run.
    public let scratchDirectory: String
    public let progress: AuditProgress?

    private let lock = Lock()
    private var cells: [String: SharedCell] = [:]
    private var scratchCounter = 0
    private var fatalProblem: SnapshotProblem?

    /// The default `--memory-budget`: what the spilling stages hold in memory at once.
    public static let defaultMemoryBudget = 128 << 20
    /// Below this the partitioned stages cannot hold even one partition per worker.
    public static let minimumMemoryBudget = 16 << 20

    /// Bytes a set of spill buckets buffers in memory before writing to disk.
    public let spillBufferLimit: Int
    private var spilled: Int64 = 0

    public init(
        workers: Int, memoryBudget: Int, scratchDirectory: String, progress: AuditProgress? = nil,
        spillBufferLimit: Int? = nil
    ) {
        self.workers = max(1, workers)
        self.memoryBudget = max(Self.minimumMemoryBudget, memoryBudget)
        self.scratchDirectory = scratchDirectory
        self.progress = progress
        // Two sets of buckets fill at once (log events, then certificate sessions
        // while the events are read back): a quarter of the budget each.
        self.spillBufferLimit = spillBufferLimit ?? self.memoryBudget / 4
    }

    /// Counts bytes written to spill files.
    func addSpilled(_ bytes: Int) { lock.withLock { spilled += Int64(bytes) } }

    public var spilledBytes: Int64 { lock.withLock { spilled } }

    private final class SharedCell: @unchecked Sendable {
        let lock = Lock()
        var value: Result<any Sendable, SnapshotProblem>?
    }

    /// The value of `key` for this run: computed by the first caller, while
    /// later callers (on any thread) wait for it and share it, failure included.
    public func shared<Value: Sendable>(
        _ key: String, _ compute: () throws(SnapshotProblem) -> Value
    ) throws(SnapshotProblem) -> Value {
        let cell = lock.withLock {
            if let existing = cells[key] { return existing }
            let created = SharedCell()
            cells[key] = created
            return created
        }
        return try cell.lock.withLock { () throws(SnapshotProblem) -> Value in
            if let stored = cell.value, case .success(let any) = stored, let value = any as? Value { return value }
            if let stored = cell.value, case .failure(let problem) = stored { throw problem }
            do throws(SnapshotProblem) {
                let value = try compute()
                cell.value = .success(value)
                return value
            } catch {
                cell.value = .failure(error)
                throw error
            }
        }
    }

    /// A new path in the scratch directory (`name` says what it holds).
    public func scratchPath(_ name: String) -> String {
        let number = lock.withLock {
            scratchCounter += 1
            return scratchCounter
        }
        return scratchDirectory + "/\(number)-\(name)"
    }

    /// Records a problem that stops the whole run (the spill disk is full):
    /// the executor throws it once the current stage ends, and writes nothing.
    public func abort(_ problem: SnapshotProblem) {
        lock.withLock { if fatalProblem == nil { fatalProblem = problem } }
    }

    public var abortProblem: SnapshotProblem? { lock.withLock { fatalProblem } }
}

/// The progress line on stderr: files, megabytes, elements per second, and
/// the time left. Never written into an output file.
public final class AuditProgress: @unchecked Sendable {
    public enum Style: Sendable {
        /// One line rewritten in place (a terminal).
        case terminal
        /// A line every few seconds (a log file).
        case lines
    }

    private let lock = Lock()
    private let style: Style
    private let totalBytes: Int64
    private let sink: @Sendable (String) -> Void
    private var bytes: Int64 = 0
    private var elements: Int64 = 0
    private var stage = ""
    private let started: Double
    private var lastPrinted: Double = 0
    private var printedAny = false

    /// `totalBytes`: the sizes of the files the run will stream.
    public init(totalBytes: Int64, style: Style, sink: @escaping @Sendable (String) -> Void) {
        self.totalBytes = max(1, totalBytes)
        self.style = style
        self.sink = sink
        started = Self.now()
        lastPrinted = style == .lines ? started : 0
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// What the run is doing now (`certificates.json`, `connection logs`): names we chose, never snapshot text.
    public func begin(_ stageName: String) {
        lock.withLock { stage = stageName }
    }

    public func advance(bytes read: Int64, elements count: Int64) {
        let line: String? = lock.withLock {
            bytes += max(0, read)
            elements += count
            let now = Self.now()
            let interval = style == .terminal ? 0.25 : 5.0
            guard now - lastPrinted >= interval else { return nil }
            lastPrinted = now
            printedAny = true
            return render(now)
        }
        if let line { sink(style == .terminal ? "\r\u{1B}[K" + line : line + "\n") }
    }

    /// Clears the terminal line (or prints the last line in log style).
    public func finish() {
        let line: String? = lock.withLock {
            guard printedAny else { return nil }
            return style == .terminal ? "\r\u{1B}[K" : render(Self.now()) + "\n"
        }
        if let line { sink(line) }
    }

    private func render(_ now: Double) -> String {
        let elapsed = max(0.001, now - started)
        let megabytes = Double(bytes) / 1_048_576
        let total = Double(totalBytes) / 1_048_576
        let rate = Double(elements) / elapsed
        let fraction = min(1, Double(bytes) / Double(totalBytes))
        let remaining = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0
        return "fleet-audit: \(stage): \(Int(megabytes))/\(Int(total)) MB, "
            + "\(Int(rate)) elements/s, ETA \(Int(remaining.rounded())) s"
    }
}
