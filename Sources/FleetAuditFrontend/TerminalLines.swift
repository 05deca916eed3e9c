import FleetAuditCore

extension SnapshotProblem {
    /// `fleet-audit: <file>: element <i> (byte <offset>): <reason>` for stderr, the
    /// file name and the reason escaped and shortened (`TerminalText`): both may
    /// carry bytes from the snapshot.
    public var terminalLine: String {
        var shown = self
        shown.file = TerminalText.escape(file)
        shown.reason = TerminalText.escape(reason)
        return "fleet-audit: \(shown)"
    }
}

/// `TerminalText` for the command-line target (which depends on this module only).
public enum TerminalOutput {
    public static func escape(_ line: String) -> String { TerminalText.escape(line, limit: Int.max) }
    public static func escapeLines(_ text: String) -> String { TerminalText.escapeLines(text) }
    public static func jsonForTerminal(_ json: String) -> String { TerminalText.jsonForTerminal(json) }
}
