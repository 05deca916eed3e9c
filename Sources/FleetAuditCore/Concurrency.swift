import Dispatch

#if os(Linux)
    import Synchronization
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutual-exclusion lock over a pthread mutex (the package still builds for
/// macOS 14, where `Synchronization.Mutex` is not available).
public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<Value, Failure: Error>(_ body: () throws(Failure) -> Value) throws(Failure) -> Value {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// Fixed slots that parallel workers fill, each index written by exactly one
/// worker and read only after the workers' group has been waited for, which
/// orders the writes before the reads. That discipline is why `@unchecked Sendable` is sound.
final class ResultSlots<Value>: @unchecked Sendable {
    // The values and whether each is set, apart: with one buffer of `Value?`, this
    // generic code (not specialised in the modules that use it) had the runtime look
    // up `Optional<Value>`'s metadata in its hash map at every store and take, 1.7% of
    // a two-worker audit's samples (docs/benchmarks.md, "Fifth round").
    private let values: UnsafeMutablePointer<Value>
    private let filled: UnsafeMutablePointer<Bool>
    private let count: Int

    init(count: Int) {
        self.count = count
        values = .allocate(capacity: count)
        filled = .allocate(capacity: count)
        filled.initialize(repeating: false, count: count)
    }

    deinit {
        for index in 0..<count where filled[index] { (values + index).deinitialize(count: 1) }
        values.deallocate()
        filled.deinitialize(count: count)
        filled.deallocate()
    }

    func store(_ value: Value, at index: Int) {
        if filled[index] { (values + index).deinitialize(count: 1) }
        (values + index).initialize(to: value)
        filled[index] = true
    }

    func take(_ index: Int) -> Value? {
        guard filled[index] else { return nil }
        filled[index] = false
        return (values + index).move()
    }
}

/// A shared counter that hands out indices to workers one at a time, so a slow
/// item never leaves the other workers idle (a fixed stride would). On Linux an
/// atomic add: with a mutex, two workers taking small items (a log bucket, a block
/// of log lines) waited on each other in the kernel (docs/benchmarks.md, "Fourth round").
final class WorkCounter: @unchecked Sendable {
    private let count: Int
    #if os(Linux)
        private let nextIndex = Atomic<Int>(0)
    #else
        private let lock = Lock()
        private var nextIndex = 0
    #endif

    init(count: Int) { self.count = count }

    func take() -> Int? {
        #if os(Linux)
            // Past the end it keeps counting, harmlessly: every caller then gets nil.
            let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
            return index < count ? index : nil
        #else
            lock.withLock {
                guard nextIndex < count else { return nil }
                defer { nextIndex += 1 }
                return nextIndex
            }
        #endif
    }
}

public enum Parallel {
    /// Starts `body` on `threads` threads of their own and returns at once; `group`
    /// is left when every one has returned.
    ///
    /// Not `DispatchQueue.concurrentPerform` nor the global queue: both run on
    /// libdispatch's pool of one thread per core, and a job that waits inside that
    /// pool (a facts job whose log pass is itself parallel, a wave queued while the
    /// snapshot digest holds a pool thread) left its nested work queued behind the
    /// busy threads, so it ran on one core while the other idled. A serial queue of
    /// its own is served by libdispatch's overcommit pool, which gives it a thread
    /// whenever it has work; the kernel then shares the cores among the threads
    /// that are ready (docs/benchmarks.md, "Third round").
    public static func start(threads: Int, group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        WorkerQueues(count: threads).start(threads: threads, group: group, body)
    }

    /// Serial queues that one parallel step reuses for all its rounds (the waves of a
    /// stream): the `i`-th share of every round runs on the same queue, after the one
    /// before it, so the step never has more than `count` threads busy at once. A queue
    /// per round let two waves' workers run side by side: more threads than cores, and
    /// half as much CPU again spent on switching between them (docs/benchmarks.md).
    public struct WorkerQueues: Sendable {
        let queues: [DispatchQueue]

        public init(count: Int) {
            queues = (0..<max(0, count)).map { DispatchQueue(label: "fleet-audit.worker-\($0)") }
        }

        /// Runs `body` once on each of the first `threads` queues.
        public func start(threads: Int, group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
            for queue in queues.prefix(threads) { queue.async(group: group, execute: body) }
        }
    }

    /// `transform` applied to every index in `0..<count` on up to `workers`
    /// threads (the calling thread is one of them); results in index order.
    /// Items are handed out one at a time.
    public static func map<Value: Sendable>(
        count: Int, workers: Int, _ transform: @Sendable (Int) -> Value
    ) -> [Value] {
        if workers <= 1 || count < 2 { return (0..<count).map(transform) }
        // The helpers are waited for before this returns, so `transform` does not outlive the call.
        return withoutActuallyEscaping(transform) { transform in
            let window = IndexWindow(0..<count, transform)
            start(threads: min(workers, count) - 1, group: window.group) { window.work() }
            window.work()
            window.group.wait()
            return (0..<count).compactMap { window.take($0) }
        }
    }

    /// Runs `transform` over `0..<count` in parallel and hands each result to
    /// `consume` in index order, holding at most about two windows of results at
    /// once (the ordered merge of bucketed work whose results must not all be held).
    ///
    /// Pipelined as a stream's waves are: the next window is handed to the helper
    /// threads before the calling thread works on the current one and consumes it, so
    /// the helpers do not wait at every window's end while the results are consumed.
    public static func orderedForEach<Value: Sendable>(
        count: Int, workers: Int, window: Int, _ transform: @Sendable (Int) -> Value, consume: (Int, Value) -> Void
    ) {
        let step = max(1, window)
        guard workers > 1 else {
            for index in 0..<count { consume(index, transform(index)) }
            return
        }
        // Every window started is finished before this returns, so `transform` does not outlive the call.
        withoutActuallyEscaping(transform) { transform in
            let helpers = WorkerQueues(count: workers - 1)
            var pending: IndexWindow<Value>? = nil
            var start = 0
            while start < count || pending != nil {
                var started: IndexWindow<Value>? = nil
                if start < count {
                    let window = IndexWindow(start..<min(count, start + step), transform)
                    helpers.start(threads: workers - 1, group: window.group) { window.work() }
                    started = window
                    start = window.indices.upperBound
                }
                if let finished = pending {
                    finished.work()
                    finished.group.wait()
                    for index in finished.indices {
                        if let value = finished.take(index) { consume(index, value) }
                    }
                }
                pending = started
            }
        }
    }
}

/// A range of indices whose transforms any number of threads may share, handed
/// out a block at a time, with a slot for each result: a window of
/// `Parallel.orderedForEach`, a wave of `SnapshotStream.forEachParallel`.
final class IndexWindow<Value: Sendable>: Sendable {
    let indices: Range<Int>
    let slots: ResultSlots<Value>
    let group = DispatchGroup()
    private let blockSize: Int
    private let blocks: WorkCounter
    private let transform: @Sendable (Int) -> Value

    init(_ indices: Range<Int>, blockSize: Int = 1, _ transform: @escaping @Sendable (Int) -> Value) {
        self.indices = indices
        self.blockSize = max(1, blockSize)
        slots = ResultSlots(count: indices.count)
        blocks = WorkCounter(count: (indices.count + self.blockSize - 1) / self.blockSize)
        self.transform = transform
    }

    /// Transforms blocks until none is left; any number of threads may call it at once.
    func work() {
        while let block = blocks.take() {
            for offset in block * blockSize..<min(indices.count, (block + 1) * blockSize) {
                slots.store(transform(indices.lowerBound + offset), at: offset)
            }
        }
    }

    /// The result of `index`, moved out (nil when taken already).
    func take(_ index: Int) -> Value? { slots.take(index - indices.lowerBound) }
}
