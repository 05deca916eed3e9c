// Error output shared by the benchmark command-line tools.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to standard error without touching the C `stderr` global (not concurrency-safe in Swift 6).
public func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Prints `<tool>: message` (the tool as it was invoked, without its folder) and exits.
public func fail(_ message: String, status: Int32 = 1) -> Never {
    let tool = CommandLine.arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "tool"
    printError("\(tool): \(message)")
    exit(status)
}
