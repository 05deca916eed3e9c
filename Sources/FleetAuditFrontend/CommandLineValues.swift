import FleetAuditBase
import FleetAuditCore
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one format of every error and note on stderr (docs/output.md):
/// `fleet-audit: <where>: <problem>`, where is the file when the problem is in
/// one (`fleet-audit: certificates.json: element 3 (byte 812): ...`), else the
/// command. A usage error adds one line naming the command's help.
public enum CommandMessage {
    public static func line(command: String?, _ problem: String) -> String {
        "fleet-audit: " + (command.map { "\($0): " } ?? "") + TerminalText.escape(problem, limit: Int.max)
    }

    /// A usage error (exit status 64): the problem and a hint, not the whole usage text.
    public static func usage(command: String?, _ problem: String) -> [String] {
        [
            line(command: command, problem),
            "see 'fleet-audit\(command.map { " " + $0 } ?? "") --help'",
        ]
    }
}

/// `--now` on the command line: a time with a zone (`2026-11-26T12:00:00Z`,
/// `2026-11-26T13:00:00+01:00`) or a date (`2026-11-26`, midnight UTC). A time
/// without a zone is refused: taking it as UTC, or as local time, would each
/// surprise someone. (Snapshot files keep the looser rule: a zone-less time
/// there is UTC, as the AWS CLI prints it.)
public enum CommandLineTime {
    public static func parse(_ text: String, option: String) throws(UsageError) -> AuditTime {
        let bytes = Array(text.utf8)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || isDigit($0.element) })
        {
            guard let midnight = AuditTime(iso8601: text + "T00:00:00Z") else {
                throw UsageError("\(option) '\(text)' is not a valid date")
            }
            return midnight
        }
        guard let time = AuditTime(iso8601: text) else {
            throw UsageError(
                "\(option) '\(text)' is not a date (2026-11-26, midnight UTC) or a time with a zone "
                    + "(2026-11-26T12:00:00Z, 2026-11-26T12:00:00+01:00)")
        }
        // AuditTime accepts a zone-less time as UTC (snapshot files); the command line does not.
        let last = bytes.last ?? 0
        let hasZone =
            last == UInt8(ascii: "Z") || last == UInt8(ascii: "z")
            || (bytes.count > 19 && bytes[19...].contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
        guard hasZone else {
            throw UsageError(
                "\(option) '\(text)' has no time zone; add Z for UTC (\(text)Z) or an offset such as +01:00")
        }
        return time
    }
}

/// Notes (`--verbose`) in the format of every other stderr line:
/// `fleet-audit: <command>: note: <message>`.
public struct CommandLogHandler: LogHandler {
    public var command: String
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider? = nil

    public init(command: String, logLevel: Logger.Level) {
        self.command = command
        self.logLevel = logLevel
    }

    /// A logger for `command`: notes (info) only with `verbose`, warnings always.
    public static func logger(command: String, verbose: Bool) -> Logger {
        Logger(label: "fleet-audit") { _ in CommandLogHandler(command: command, logLevel: verbose ? .info : .warning) }
    }

    public func log(event: LogEvent) {
        let kind: String
        switch event.level {
        case .trace, .debug, .info, .notice: kind = "note"
        case .warning: kind = "warning"
        case .error, .critical: kind = "error"
        }
        var text = CommandMessage.line(command: command, "\(kind): \(event.message)") + "\n"
        _ = text.withUTF8 { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
