// The parse-only floor of `make bench`: every element of every JSON file of a
// snapshot, through jansson, on N threads, and no checks. The audit reads the
// same files, so its wall time is measured against this one.
//
//   parse-floor SNAPSHOT [--threads 2] [--mode jansson|value]
//
// One thread finds element boundaries with the root package's JSONElementStream
// (about 1.2 GB/s, docs/benchmarks.md) and hands batches of elements to the
// parsing threads through a bounded queue, so memory stays flat however large a
// file is. `--mode jansson` (the default) is jansson's json_loadb of each element
// and json_decref, nothing else; `--mode value` is `RawElement.parse()`, jansson
// plus the conversion to `JSONValue` that the audit's checks read.
//
// Prints one JSON object on stdout: files, bytes, elements, parse failures, seconds.
import CJanssonWholeFile
import Dispatch
import FleetAuditJSON
import ToolOutput

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum Mode: String {
    case jansson
    case value
}

/// A bounded multi-consumer queue of element batches. `nil` from `pop` means the
/// producer has finished. The mutex and condition variables guard every field,
/// which is why `@unchecked Sendable` is sound.
final class BatchQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var notEmpty = pthread_cond_t()
    private var notFull = pthread_cond_t()
    private var batches: [[RawElement]] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&notEmpty, nil)
        pthread_cond_init(&notFull, nil)
    }

    deinit {
        pthread_cond_destroy(&notFull)
        pthread_cond_destroy(&notEmpty)
        pthread_mutex_destroy(&mutex)
    }

    /// Blocks while the queue is full: the reader never runs far ahead of the parsers.
    func push(_ batch: [RawElement]) {
        pthread_mutex_lock(&mutex)
        while batches.count - head >= capacity { pthread_cond_wait(&notFull, &mutex) }
        batches.append(batch)
        pthread_cond_signal(&notEmpty)
        pthread_mutex_unlock(&mutex)
    }

    func close() {
        pthread_mutex_lock(&mutex)
        closed = true
        pthread_cond_broadcast(&notEmpty)
        pthread_mutex_unlock(&mutex)
    }

    func pop() -> [RawElement]? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while head == batches.count && !closed { pthread_cond_wait(&notEmpty, &mutex) }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = []
        head += 1
        // Compact now and then so the array does not keep every slot ever used.
        if head > 64 && head * 2 > batches.count {
            batches.removeFirst(head)
            head = 0
        }
        pthread_cond_signal(&notFull)
        return batch
    }
}

/// Per-thread totals: each slot is written once, by its own thread, when it
/// finishes, and read after every thread has joined (`DispatchGroup.wait`
/// orders the writes before the reads). That discipline is why
/// `@unchecked Sendable` is sound; the slots are raw memory so that no Swift
/// array is mutated from two threads.
final class Totals: @unchecked Sendable {
    struct Slot {
        var elements = 0
        var failures = 0
        var firstFailure: String?
    }
    let slots: UnsafeMutableBufferPointer<Slot>

    init(threads: Int) {
        slots = .allocate(capacity: threads)
        slots.initialize(repeating: Slot())
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}

/// Parses one element; the failure text, or nil when it parsed.
func parse(_ element: RawElement, mode: Mode) -> String? {
    switch mode {
    case .value:
        switch element.parse() {
        case .success: return nil
        case .failure(let error): return error.description
        }
    case .jansson:
        var error = [CChar](repeating: 0, count: 160)
        var position: Int64 = 0
        let status = element.bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                fa_bench_json_parse_element(chars.baseAddress, chars.count, &error, error.count, &position)
            }
        }
        guard status != 0 else { return nil }
        let text = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "element \(element.index) (byte \(element.byteOffset + position)): \(text)"
    }
}

/// The snapshot's JSON files (`*.json`, `*.jsonl`, also in sub-folders such as `iot-logs/`), in name order.
func jsonFiles(under directory: String) -> [String] {
    guard let handle = opendir(directory) else { fail("cannot open \(directory): \(String(cString: strerror(errno)))") }
    var names: [String] = []
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    closedir(handle)
    var files: [String] = []
    for name in names.sorted() {
        let path = directory + "/" + name
        var info = stat()
        // lstat: a link is not followed, as the audit refuses links out of the snapshot by default.
        guard lstat(path, &info) == 0 else { continue }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            files += jsonFiles(under: path)
        } else if (info.st_mode & S_IFMT) == S_IFREG && (name.hasSuffix(".json") || name.hasSuffix(".jsonl")) {
            files.append(path)
        }
    }
    return files
}

func fileSize(_ path: String) -> Int64 {
    var info = stat()
    guard stat(path, &info) == 0 else { fail("cannot stat \(path): \(String(cString: strerror(errno)))") }
    return Int64(info.st_size)
}

var arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: parse-floor SNAPSHOT [--threads N] [--mode jansson|value]"
guard let snapshot = arguments.first, !snapshot.hasPrefix("-") else { fail(usage, status: 64) }
arguments.removeFirst()
var threads = 2
var mode = Mode.jansson
while arguments.count >= 2 {
    let option = arguments.removeFirst()
    let value = arguments.removeFirst()
    switch option {
    case "--threads":
        guard let count = Int(value), count >= 1 else { fail("--threads takes a positive number", status: 64) }
        threads = count
    case "--mode":
        guard let chosen = Mode(rawValue: value) else { fail("--mode takes jansson or value", status: 64) }
        mode = chosen
    default: fail("unknown option \(option); \(usage)", status: 64)
    }
}
guard arguments.isEmpty else { fail("unexpected \(arguments[0]); \(usage)", status: 64) }

let start = ContinuousClock.now
let files = jsonFiles(under: snapshot)
let queue = BatchQueue(capacity: threads * 2)
let totals = Totals(threads: threads)
let parseMode = mode
let group = DispatchGroup()
for worker in 0..<threads {
    DispatchQueue.global().async(group: group) {
        var slot = Totals.Slot()
        while let batch = queue.pop() {
            for element in batch {
                slot.elements += 1
                if let failure = parse(element, mode: parseMode) {
                    slot.failures += 1
                    if slot.firstFailure == nil { slot.firstFailure = failure }
                }
            }
        }
        totals.slots[worker] = slot
    }
}

// Batches of about 1 MiB or 256 elements: large enough that the queue's lock is
// rare, small enough that both threads get work from a file of a few elements.
let batchBytes = 1 << 20
let batchElements = 256
var bytes: Int64 = 0
var members = 0
for path in files {
    let form: JSONFileForm = path.hasSuffix(".jsonl") ? .lines : .object
    bytes += fileSize(path)
    var batch: [RawElement] = []
    var batchSize = 0
    do {
        let stream = try JSONElementStream(path: path, form: form)
        while let event = try stream.next() {
            switch event {
            case .element(let element):
                batchSize += element.bytes.count
                batch.append(element)
                if batchSize >= batchBytes || batch.count >= batchElements {
                    queue.push(batch)
                    batch = []
                    batchSize = 0
                }
            case .member:
                // A small top-level value: the streamer has already parsed it.
                members += 1
            case .arrayStart, .arrayEnd:
                break
            }
        }
    } catch {
        fail("\(path): \(error)")
    }
    if !batch.isEmpty { queue.push(batch) }
}
queue.close()
group.wait()

let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let failures = totals.slots.reduce(0) { $0 + $1.failures }
let elements = totals.slots.reduce(0) { $0 + $1.elements }
if let first = totals.slots.compactMap(\.firstFailure).first {
    printError("parse-floor: \(failures) element(s) did not parse; first: \(first)")
}
print(
    "{\"files\": \(files.count), \"bytes\": \(bytes), \"elements\": \(elements), "
        + "\"members\": \(members), \"parseFailures\": \(failures), \"threads\": \(threads), "
        + "\"mode\": \"\(mode.rawValue)\", \"seconds\": \(seconds)}")
