// Writes a policies.json-shaped file for the resident-memory measurement.
//
//   generate-policies OUTPUT (--count N | --bytes N[K|M|G]) [--form object|lines]
//
// Sizes are powers of 1024 (10M = 10 MiB). The same arguments give the same bytes.
import PolicyFixtures
import ToolOutput

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

func usage(_ message: String) -> Never {
    printError("generate-policies: \(message)")
    printError("usage: generate-policies OUTPUT (--count N | --bytes N[K|M|G]) [--form object|lines]")
    exit(64)
}

func size(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    if let last = text.last, let unit = units[last] { return Int(text.dropLast()).map { $0 * unit } }
    return Int(text)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var output: String?
var count: Int?
var bytes: Int?
var form = PolicyFileForm.object
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--count", "--bytes", "--form":
        guard !arguments.isEmpty else { usage("\(argument) needs a value") }
        let value = arguments.removeFirst()
        switch argument {
        case "--count": count = Int(value)
        case "--bytes": bytes = size(value)
        default: form = PolicyFileForm(rawValue: value) ?? { usage("unknown form \(value)") }()
        }
    default:
        guard output == nil, !argument.hasPrefix("-") else { usage("unexpected \(argument)") }
        output = argument
    }
}
guard let output else { usage("no output path") }
guard (count == nil) != (bytes == nil) else { usage("give exactly one of --count and --bytes") }

do {
    let summary = try PolicyFixtures.write(to: output, form: form, count: count, minimumBytes: bytes)
    print("\(output): \(summary.elements) policy versions, \(summary.bytes) bytes (\(form.rawValue))")
} catch {
    printError("generate-policies: \(error)")
    exit(1)
}
