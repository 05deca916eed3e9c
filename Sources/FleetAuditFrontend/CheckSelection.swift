import FleetAuditChecks
import FleetAuditCore

/// The checks named on the command line: `--checks` (nil: not given) and `--exclude-checks`.
public struct CheckRequest: Sendable {
    public var named: [any AuditCheck.Type]?
    public var excluded: [any AuditCheck.Type] = []

    public init(named: [any AuditCheck.Type]? = nil, excluded: [any AuditCheck.Type] = []) {
        self.named = named
        self.excluded = excluded
    }
}

/// Which checks an audit plans, and the summary line that says why.
///
/// - `--checks`: exactly those; one the configuration does not enable is still
///   planned and ends FAILED with `AUDIT_CHECK_DISABLED`, as Defender reports it.
/// - otherwise, with `audit-configuration.json`: the checks it enables.
/// - otherwise (no configuration, or one that was not collected): every
///   registered check, DEVICE_CERTIFICATE_AGE_CHECK included.
///
/// `--exclude-checks` then removes its checks from any of these.
public struct CheckSelection: Sendable {
    public var checks: [any AuditCheck.Type]
    /// One line for the summary.
    public var note: String

    public enum Refusal: Error, Sendable {
        /// The command line leaves nothing to run (exit 64).
        case usage(UsageError)
        /// The configuration enables no check and none was named (exit 2).
        case nothingEnabled(SnapshotProblem)
    }

    public static func select(_ request: CheckRequest, configuration: AuditConfiguration) -> Result<
        CheckSelection, Refusal
    > {
        let excluded = Set(request.excluded.map { $0.description.name })
        let file = SnapshotFile.auditConfiguration.jsonName
        var candidates: [any AuditCheck.Type]
        var note: String
        if let named = request.named {
            candidates = named
            let disabled = named.filter { !configuration.isEnabled($0.description) }.count
            note = "Checks: the \(named.count) named by --checks"
            if disabled > 0 {
                note += "; \(disabled) of them not enabled in \(file) (FAILED, \(AuditCheckDetails.auditCheckDisabled))"
            }
        } else {
            switch configuration.source {
            case .absent:
                candidates = CheckRegistry.all
                note =
                    "Checks: all \(candidates.count) registered, DEVICE_CERTIFICATE_AGE_CHECK included "
                    + "(no \(file) in the snapshot)"
            case .unavailable(let problem):
                candidates = CheckRegistry.all
                note = "Checks: all \(candidates.count) registered (\(problem.description))"
            case .file:
                candidates = CheckRegistry.all.filter { configuration.isEnabled($0.description) }
                guard !candidates.isEmpty else {
                    return .failure(
                        .nothingEnabled(
                            SnapshotProblem(
                                file: file, reason: "no check is enabled; name the checks to run with --checks")))
                }
                note = "Checks: the \(candidates.count) enabled in \(file)"
            }
        }
        let checks = candidates.filter { !excluded.contains($0.description.name) }
        guard !checks.isEmpty else {
            return .failure(.usage(UsageError("--exclude-checks leaves no check to run")))
        }
        let removed = candidates.count - checks.count
        if removed > 0 {
            note +=
                ", less \(removed) excluded by --exclude-checks ("
                + candidates.map { $0.description.name }.filter(excluded.contains).joined(separator: ", ") + ")"
        }
        return .success(CheckSelection(checks: checks, note: note))
    }
}
