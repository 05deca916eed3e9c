import FleetAuditBase
import FleetAuditCore
import FleetAuditReports

/// `audit --format`: the reports written after the audit, from its findings.json.
public enum AuditReportFiles {
    /// The report files written (none for `json` alone), or the problem that
    /// stopped them (then none is left behind).
    public static func write(
        _ formats: [ReportFormat], auditDirectory: String, workingDirectory: String = "."
    ) -> Result<[String], SnapshotProblem> {
        do throws(SnapshotProblem) {
            let document = checksDocumentLink(from: auditDirectory, workingDirectory: workingDirectory)
            return .success(
                try ReportGenerator.write(formats, auditDirectory: auditDirectory, checksDocument: document))
        } catch {
            return .failure(error)
        }
    }

    /// The report links each check to its rule in `docs/checks.md`. When the
    /// audit runs from a FleetAudit checkout (the README's commands do), the
    /// link is the path from the report's directory to that file, so it opens
    /// in the browser next to the report and moves with the checkout; nil
    /// otherwise (the report still carries each rule's summary).
    public static func checksDocumentLink(from auditDirectory: String, workingDirectory: String) -> String? {
        guard let document = FileSystem.realPath(workingDirectory + "/docs/checks.md"),
            let directory = FileSystem.realPath(auditDirectory)
        else { return nil }
        return relativePath(from: directory, to: document)
    }

    /// The relative path from directory `base` to `target` (both canonical, absolute).
    public static func relativePath(from base: String, to target: String) -> String {
        let baseParts = base.split(separator: "/")
        let targetParts = target.split(separator: "/")
        var common = 0
        while common < min(baseParts.count, targetParts.count - 1), baseParts[common] == targetParts[common] {
            common += 1
        }
        let up = Array(repeating: "..", count: baseParts.count - common)
        return (up + targetParts[common...].map(String.init)).joined(separator: "/")
    }
}
