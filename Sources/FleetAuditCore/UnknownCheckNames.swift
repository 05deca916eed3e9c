/// Check names that are neither a Defender check name nor an alias (`CheckName(named:)`),
/// as one error for every command that takes check names.
public struct UnknownCheckNames: Error, Sendable, Hashable, CustomStringConvertible {
    public var names: [String]

    public init(names: [String]) { self.names = names }

    /// One clause per name, with the closest registered name when there is one;
    /// the full list is `fleet-audit checks`, not this line.
    public var description: String {
        let known = CheckName.everySpelling
        let clauses = names.map { name in
            let escaped = TerminalText.escape(name, limit: 128)
            guard let close = ClosestName.suggestion(for: name, among: known) else {
                return "unknown check name '\(escaped)'"
            }
            return "unknown check name '\(escaped)'; did you mean \(close)?"
        }
        return clauses.joined(separator: "; ") + " ('fleet-audit checks' lists the \(CheckName.allCases.count) checks)"
    }
}
