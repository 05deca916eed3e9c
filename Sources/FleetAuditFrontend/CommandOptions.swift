import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The options of one command, as swift-argument-parser parses them, with the one
/// function that checks them. `validated()` turns the raw values into what the
/// command runs with or throws the usage error; the parser calls it (through
/// `validate()`, so a usage error is reported before anything runs) and so does the
/// command's runner, for the values it runs with.
public protocol CommandOptions: ParsableArguments {
    associatedtype Validated
    func validated() throws(UsageError) -> Validated
}

extension CommandOptions {
    /// The parser's hook. A `ValidationError` is what the parser reports as a usage
    /// error (exit status 64); `FleetAudit.main` prints it in the one usage format.
    public func validate() throws {
        do {
            _ = try validated()
        } catch {
            throw ValidationError(TerminalOutput.escape(error.description))
        }
    }
}

/// A usage error: the command line itself is wrong (exit status 64).
public struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `--color`, shared by the commands whose output is for people.
public struct ColorOption: ParsableArguments, Sendable {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Colour: auto (on a terminal, unless NO_COLOR is set), always or never.", valueName: "auto|always|never"))
    public var color: ColorChoice = .auto

    public init() {}

    /// `--color never`, for options built in code.
    public static var never: ColorOption {
        var option = ColorOption()
        option.color = .never
        return option
    }

    public var style: TerminalStyle { TerminalStyle.current(color) }
}

extension ColorChoice: ExpressibleByArgument {}

extension OutputFormat: ExpressibleByArgument {}

/// `--output json|text`, with the command's default.
public struct OutputOption: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Output format: json or text.", valueName: "json|text"))
    public var output: OutputFormat?

    public init() {}
}

/// `--workers` when not given: the number of online cores.
public func defaultWorkerCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
