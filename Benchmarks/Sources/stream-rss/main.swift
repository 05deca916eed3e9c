// Reads one snapshot file and prints what it saw, for the resident-memory
// measurement in docs/benchmarks.md (run it under `/usr/bin/time -v`).
//
//   stream-rss stream PATH [--form object|lines]   JSONElementStream, parse() of every element
//   stream-rss load-file PATH [--key policyVersions] jansson json_load_file: the whole file as one DOM
//   stream-rss parse-whole PATH                   read the whole file, JSONParser.parse (jansson + JSONValue)
import CJanssonWholeFile
import FleetAuditJSON
import ToolOutput

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func report(_ mode: String, elements: Int, bytes: Int64, since start: ContinuousClock.Instant) {
    let time = seconds(since: start)
    let rate = Double(bytes) / 1_000_000 / time
    let timing = "\(String(format: time, 3)) s, \(String(format: rate, 1)) MB/s"
    print("\(mode): \(elements) elements, \(bytes) bytes, \(timing)")
}

extension String {
    init(format value: Double, _ decimals: Int) {
        var scaled = (value * pow(10, Double(decimals))).rounded()
        if scaled.isNaN || scaled.isInfinite { scaled = 0 }
        let whole = Int(scaled)
        let unit = Int(pow(10, Double(decimals)))
        let fraction = String(abs(whole) % unit)
        self = "\(whole / unit)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}

/// A NUL-terminated C buffer as text.
func text(of buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func fileSize(_ path: String) -> Int64 {
    var info = stat()
    guard stat(path, &info) == 0 else { fail("cannot stat \(path): \(String(cString: strerror(errno)))") }
    return Int64(info.st_size)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    fail("usage: stream-rss (stream|load-file|parse-whole) PATH [--form object|lines] [--key KEY]", status: 64)
}
let mode = arguments.removeFirst()
let path = arguments.removeFirst()
var form = JSONFileForm.object
var key = "policyVersions"
while arguments.count >= 2 {
    let option = arguments.removeFirst()
    let value = arguments.removeFirst()
    switch (option, value) {
    case ("--form", "object"): form = .object
    case ("--form", "lines"): form = .lines
    case ("--key", _): key = value
    default: fail("unknown option \(option) \(value)", status: 64)
    }
}
guard arguments.isEmpty else { fail("unexpected \(arguments[0])", status: 64) }

let start = ContinuousClock.now
switch mode {
case "stream":
    var elements = 0
    var elementBytes: Int64 = 0
    do {
        let stream = try JSONElementStream(path: path, form: form)
        while let event = try stream.next() {
            guard case .element(let element) = event else { continue }
            switch element.parse() {
            case .success: break
            case .failure(let error): fail("\(error)")
            }
            elements += 1
            elementBytes += Int64(element.bytes.count)
        }
    } catch {
        fail("\(error)")
    }
    report("stream+parse", elements: elements, bytes: fileSize(path), since: start)
    print("element bytes: \(elementBytes)")
case "load-file":
    var error = [CChar](repeating: 0, count: 256)
    let count = fa_bench_json_load_file(path, key, &error, error.count)
    guard count >= 0 else { fail(text(of: error)) }
    report("json_load_file", elements: Int(count), bytes: fileSize(path), since: start)
case "parse-whole":
    guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
    let size = Int(fileSize(path))
    var bytes = [UInt8](repeating: 0, count: size)
    let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, file) }
    fclose(file)
    guard read == size else { fail("short read") }
    switch JSONParser.parse(bytes) {
    case .success(let value):
        report("JSONParser.parse", elements: value[key]?.arrayValue?.count ?? 0, bytes: Int64(size), since: start)
    case .failure(let error):
        fail("\(error)")
    }
default:
    fail("unknown mode \(mode)", status: 64)
}
