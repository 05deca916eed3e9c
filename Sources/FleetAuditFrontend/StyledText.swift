import FleetAuditCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a piece of human output means, which a terminal shows as a colour.
public enum TextStyle: Sendable, Hashable {
    case critical, high, medium, low
    /// COMPLETED_COMPLIANT, COMPLETED.
    case good
    /// FAILED.
    case bad
    /// COMPLETED_NON_COMPLIANT, SKIPPED.
    case warning
    case bold

    public init(_ severity: Severity) {
        switch severity {
        case .critical: self = .critical
        case .high: self = .high
        case .medium: self = .medium
        case .low: self = .low
        }
    }

    /// SGR parameters (ECMA-48).
    var sgr: String {
        switch self {
        case .critical: return "1;31"
        case .high: return "31"
        case .medium: return "33"
        case .low: return "36"
        case .good: return "32"
        case .bad: return "1;31"
        case .warning: return "33"
        case .bold: return "1"
        }
    }
}

/// A line of human output: text segments, some with a style. Text is escaped
/// when the line is rendered, so a segment may hold snapshot strings as they are.
public struct StyledLine: Sendable, Hashable {
    public struct Segment: Sendable, Hashable {
        public var text: String
        public var style: TextStyle?
    }

    public var segments: [Segment]

    public init(_ text: String = "", style: TextStyle? = nil) {
        segments = text.isEmpty ? [] : [Segment(text: text, style: style)]
    }

    /// Appends a segment.
    public static func + (line: StyledLine, segment: (String, TextStyle?)) -> StyledLine {
        var line = line
        line.segments.append(Segment(text: segment.0, style: segment.1))
        return line
    }

    public static func + (line: StyledLine, text: String) -> StyledLine { line + (text, nil) }

    /// The text without styles, escaped.
    public var plainText: String { segments.map { TerminalText.escape($0.text, limit: Int.max) }.joined() }
}

/// `--color auto|always|never`.
public enum ColorChoice: String, Sendable, CaseIterable {
    case auto, always, never
}

/// How human output is rendered: with colour or not, cut to a width or not.
public struct TerminalStyle: Sendable, Hashable {
    public var color: Bool
    /// Lines longer than this many characters are cut, the rest counted; nil: never cut.
    public var width: Int?

    public static let plain = TerminalStyle(color: false, width: nil)
    /// Narrower widths are taken as this: a cut line must still say something.
    public static let minimumWidth = 40

    public init(color: Bool, width: Int?) {
        self.color = color
        self.width = width.map { max($0, Self.minimumWidth) }
    }

    /// The style for `--color choice`: colour when `always`, or when `auto` on a
    /// terminal with `NO_COLOR` unset or empty (no-color.org) and `TERM` not `dumb`.
    /// Width: `COLUMNS` when it is a positive number, else the terminal's
    /// (`windowWidth`, from TIOCGWINSZ) when stdout is one, else none.
    public static func resolve(
        _ choice: ColorChoice, environment: [String: String], isTerminal: Bool, windowWidth: Int?
    ) -> TerminalStyle {
        let color: Bool
        switch choice {
        case .always: color = true
        case .never: color = false
        case .auto:
            color = isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
        var width: Int? = nil
        if let columns = environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 {
            width = columns
        } else if isTerminal, let windowWidth, windowWidth > 0 {
            width = windowWidth
        }
        return TerminalStyle(color: color, width: width)
    }

    /// `resolve` for this process's stdout and environment.
    public static func current(_ choice: ColorChoice) -> TerminalStyle {
        var environment: [String: String] = [:]
        for name in ["NO_COLOR", "TERM", "COLUMNS"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        let isTerminal = isatty(STDOUT_FILENO) == 1
        var size = winsize()
        let windowWidth = isTerminal && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 ? Int(size.ws_col) : nil
        return resolve(choice, environment: environment, isTerminal: isTerminal, windowWidth: windowWidth)
    }

    /// The lines as text, one per line: segments escaped, cut to `width`
    /// (`… (+312 chars)` saying what was left out), then coloured. Colour codes
    /// are added after escaping, so only these codes reach the terminal.
    public func render(_ lines: [StyledLine]) -> String {
        lines.map(render).map { $0 + "\n" }.joined()
    }

    public func render(_ line: StyledLine) -> String {
        var segments = line.segments.map { ($0.style, Array(TerminalText.escape($0.text, limit: Int.max))) }
        let total = segments.reduce(0) { $0 + $1.1.count }
        var suffix = ""
        if let width, total > width {
            // The kept length depends on the suffix's digits, which depend on the kept length.
            var kept = width - 16
            for _ in 0..<3 { kept = width - "… (+\(total - kept) chars)".count }
            suffix = "… (+\(total - kept) chars)"
            var remaining = kept
            for index in segments.indices {
                let count = segments[index].1.count
                if count > remaining { segments[index].1 = Array(segments[index].1.prefix(remaining)) }
                remaining -= min(count, remaining)
            }
        }
        var output = ""
        for (style, characters) in segments where !characters.isEmpty {
            if color, let style {
                output += "\u{1B}[\(style.sgr)m" + String(characters) + "\u{1B}[0m"
            } else {
                output += String(characters)
            }
        }
        return output + suffix
    }
}
