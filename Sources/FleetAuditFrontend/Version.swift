import CFleetAuditBuildInfo

/// What `fleet-audit --version` prints: the release number and the commit the binary was built from,
/// so a report handed over can be traced to the exact code that produced it.
public enum FleetAuditVersion {
    /// The release number; raise it with every tagged release.
    public static let number = "0.1.0"

    /// The git commit, embedded by `make install` (Package.swift), or "unknown".
    public static var commit: String { String(cString: fa_build_commit()) }

    public static var text: String { "fleet-audit \(number) (commit \(commit))" }
}
