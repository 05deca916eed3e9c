import FleetAuditCore
import FleetAuditJSON

/// Writes the requested reports of an audit directory from its written
/// `findings.json`, streamed element by element (SnapshotStream), so memory
/// stays flat however many findings there are: ASFF, OCSF and CSV are written
/// in one pass; the HTML page, whose summary comes first, takes a second pass
/// once the first has counted. Every file is written under a temporary name
/// and renamed into place only when all of them are complete.
public enum ReportGenerator {
    /// The files written, in the order of `formats`.
    @discardableResult
    public static func write(
        _ formats: [ReportFormat], auditDirectory directory: String, checksDocument: String? = nil
    ) throws(SnapshotProblem) -> [String] {
        let wanted = formats.filter { $0 != .json }
        guard !wanted.isEmpty else { return [] }
        var context = try ReportContext.load(auditDirectory: directory)
        context.checksDocument = checksDocument
        let findingsPath = directory + "/findings.json"
        let listed = try ListedRelatedResources.load(directory + "/" + RelatedResourceList.fileName)

        var outputs: [(format: ReportFormat, file: OutputFile)] = []
        for format in wanted { outputs.append((format, try OutputFile(path: directory + "/" + format.fileName))) }
        func file(_ format: ReportFormat) -> OutputFile? { outputs.first { $0.format == format }?.file }
        // Any failure discards every temporary file (OutputFile's deinit): all reports or none.
        let asff = file(.asff).map { JSONArrayDocument(file: $0) }
        let ocsf = file(.ocsf).map { JSONArrayDocument(file: $0) }
        let csv = file(.csv)
        try csv?.write(CSVFindings.line(CSVFindings.header))
        var tally = HTMLReport.Tally()

        try forEachFinding(in: findingsPath) { read throws(SnapshotProblem) in
            let finding = listed.attached(to: read)
            try asff?.append(SecurityHubFinding.active(finding, context: context))
            try ocsf?.append(OCSFFinding.event(finding, context: context))
            try csv?.write(CSVFindings.line(CSVFindings.row(finding, context: context)))
            tally.add(finding)
        }
        try asff?.close()
        try ocsf?.close()

        if let html = file(.html) {
            var selection = tally.rowSelection(limit: HTMLReport.rowLimit)
            let shown = min(tally.total, HTMLReport.rowLimit)
            try html.write(HTMLReport.opening(context: context, tally: tally, rowsShown: shown))
            try forEachFinding(in: findingsPath) { finding throws(SnapshotProblem) in
                if selection.admits(finding) {
                    try html.write(HTMLReport.row(listed.attached(to: finding)))
                }
            }
            try html.write(HTMLReport.closing(context: context, tally: tally))
        }
        for output in outputs { try output.file.commit() }
        return outputs.map(\.file.finalPath)
    }

    /// Every finding of a `findings.json`, decoded, in file order. A malformed
    /// finding stops the reports with an error naming its element.
    public static func forEachFinding(
        in path: String, _ body: (ReportFinding) throws(SnapshotProblem) -> Void
    ) throws(SnapshotProblem) {
        try SnapshotStream(name: path, path: path, form: .object, arrayKey: "findings").forEach {
            element throws(SnapshotProblem) in
            let value = try element.value.get()
            let finding: ReportFinding
            do throws(ReportInputError) {
                finding = try ReportFinding(json: value)
            } catch {
                throw element.problem(error.description)
            }
            try body(finding)
        }
    }
}

/// A JSON array written element by element, pretty-printed as the AWS CLI prints
/// it, into an `OutputFile` (a temporary name until the caller commits it). Public
/// so that other commands can stream ASFF too (`SecurityHubFinding.archived` for
/// the findings a later audit resolved).
public final class JSONArrayDocument {
    public let file: OutputFile
    private var count = 0

    public init(file: OutputFile) { self.file = file }

    public func append(_ element: JSONValue) throws(SnapshotProblem) {
        try file.write((count == 0 ? "[\n    " : ",\n    ") + JSONWriter.pretty(element, level: 1))
        count += 1
    }

    /// Ends the array; the caller then commits (or discards) `file`.
    public func close() throws(SnapshotProblem) {
        try file.write(count == 0 ? "[]\n" : "\n]\n")
    }
}
