import FleetAuditCore

/// The exit statuses of every `fleet-audit` command, one table for all, so a
/// pipeline can gate on any of them the same way.
public enum ExitStatus {
    /// Every check completed and every resource was evaluated (or: the command did all it was asked).
    public static let complete: Int32 = 0
    /// Incomplete: a check FAILED or a resource could not be evaluated; outputs are written.
    public static let incomplete: Int32 = 1
    /// Nothing could be audited (or read): a missing or broken input, an unknown finding id.
    public static let nothingAudited: Int32 = 2
    /// `--fail-on` tripped: unsuppressed findings at or above its severity (on `diff`: new ones).
    public static let gateTripped: Int32 = 3
    /// The command line itself is wrong (swift-argument-parser's `EX_USAGE`).
    public static let usage: Int32 = 64

    /// The table for `--help` (each command's discussion ends with it) and the README.
    public static let helpTable = """
        Exit status (the same table for every command):
          0   complete
          1   incomplete: a check FAILED or a resource was not evaluable
              (outputs are written)
          2   nothing could be audited: a missing or broken input, a diff of
              two accounts, a finding id that does not exist
          3   --fail-on tripped: unsuppressed findings at or above its
              severity (on diff: new ones); takes precedence over 1
          64  usage error
        """

    /// The audit's status: 3 when the gate tripped, else 1 when incomplete, else 0.
    static func combining(incomplete: Bool, gateTripped: Bool) -> Int32 {
        if gateTripped { return Self.gateTripped }
        return incomplete ? Self.incomplete : complete
    }
}

/// `--fail-on SEVERITY`: the lowest severity that trips the gate.
public struct FailOnThreshold: Sendable, Hashable {
    public var severity: Severity

    public init(severity: Severity) { self.severity = severity }

    /// `CRITICAL`, `HIGH`, `MEDIUM` or `LOW` (any case); a usage error otherwise.
    public init(parsing text: String) throws(UsageError) {
        guard let severity = Severity(rawValue: text.uppercased()) else {
            throw UsageError(
                "--fail-on '\(text)' must be one of " + Severity.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.severity = severity
    }

    /// Whether `severity` is at or above the threshold.
    public func trips(_ severity: Severity) -> Bool { severity.rank >= self.severity.rank }

    /// The checks of an audit that trip the gate: a check at or above the
    /// threshold with a non-compliant resource that is not suppressed (a
    /// suppression covers every finding of its resource, so the counts decide).
    /// A FAILED check reports no findings and never trips it.
    public func trippingChecks(_ checks: [CheckOutcome]) -> [(name: String, severity: Severity, resources: Int64)] {
        checks.compactMap { check in
            let unsuppressed =
                check.details.nonCompliantResourcesCount - check.details.suppressedNonCompliantResourcesCount
            guard trips(check.severity), unsuppressed > 0 else { return nil }
            return (check.name, check.severity, unsuppressed)
        }
    }
}

extension Severity {
    /// LOW 1, MEDIUM 2, HIGH 3, CRITICAL 4: the order `--fail-on` compares in.
    public var rank: Int {
        switch self {
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        case .critical: return 4
        }
    }
}
