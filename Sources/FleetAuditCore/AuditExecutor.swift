import Dispatch
import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What to audit and how.
public struct AuditPlan: Sendable {
    /// The checks to run, in registry order (which is also the order of findings).
    public var checks: [any AuditCheck.Type]
    public var taskId: String
    public var auditTime: AuditTime
    /// Parallel check workers; the output is the same for any count.
    public var workers: Int
    /// How many findings per check to keep in memory for the summary (all are written).
    public var previewLimit: Int
    public var settings: AuditSettings

    public init(
        checks: [any AuditCheck.Type], taskId: String, auditTime: AuditTime, workers: Int, previewLimit: Int = 20,
        settings: AuditSettings = AuditSettings()
    ) {
        self.checks = checks
        self.taskId = taskId
        self.auditTime = auditTime
        self.workers = max(1, workers)
        self.previewLimit = previewLimit
        self.settings = settings
    }
}

/// One check's result, for the summary and the error lines on stderr.
public struct CheckOutcome: Sendable {
    public var name: String
    public var severity: Severity
    public var details: AuditCheckDetails
    /// Why the check failed, or the resources it could not evaluate (the first few).
    public var problems: [SnapshotProblem]
    /// The first findings, up to the plan's preview limit.
    public var preview: [AuditFinding]
}

public struct AuditOutcome: Sendable {
    public var task: AuditTaskDescription
    public var checks: [CheckOutcome]
    public var findingsCount: Int
    public var auditTaskPath: String
    public var findingsPath: String
}

/// Runs an on-demand audit: streams each input file once, fans its elements
/// out to parallel workers, and merges verdicts in input order.
///
/// Data flow (see docs/architecture.md):
/// 1. account-settings checks read their small files whole;
/// 2. resource checks are grouped by the file they read; each group gathers
///    its compact facts, then the file is streamed once: the reading thread
///    finds element boundaries, workers parse (jansson) and evaluate, and
///    verdicts are merged in element order into one spool file per check;
/// 3. `findings.json` is the spools concatenated in registry order, and
///    `audit-task.json` is written last; both are renamed into place.
public enum AuditExecutor {
    /// Elements per wave per worker: large enough to amortise the dispatch, small
    /// enough that a wave's raw bytes and parsed values stay a few megabytes.
    static let elementsPerWorker = 256
    /// Raw bytes read ahead per wave, whatever the element count.
    static let waveByteBudget = 8 << 20

    public static func run(
        snapshot: Snapshot, plan: AuditPlan, outputDirectory: String
    ) throws(SnapshotProblem) -> AuditOutcome {
        let context = AuditContext(snapshot: snapshot, auditTime: plan.auditTime, settings: plan.settings)
        let spoolDirectory = outputDirectory + "/.fleet-audit-spool-\(getpid())"
        try OutputDirectory.createDirectories(spoolDirectory)
        defer { FileSystem.removeTree(spoolDirectory) }

        var runs: [CheckRun] = []
        for (position, check) in plan.checks.enumerated() {
            runs.append(
                try CheckRun(
                    description: check.description, plan: plan,
                    spoolPath: spoolDirectory + "/\(position).spool"))
        }

        var streamGroups: [SnapshotFile: [(run: CheckRun, check: any ResourceCheck)]] = [:]
        var aggregating: [(run: CheckRun, check: any AggregatingCheck)] = []
        for (run, checkType) in zip(runs, plan.checks) {
            let check = checkType.init()
            if let accountCheck = check as? any AccountSettingsCheck {
                do {
                    try run.record(accountCheck.evaluate(context), problem: nil)
                } catch {
                    run.fail(error)
                }
            } else if let resourceCheck = check as? any ResourceCheck {
                streamGroups[type(of: resourceCheck).resourceFile, default: []].append((run, resourceCheck))
            } else if let aggregatingCheck = check as? any AggregatingCheck {
                aggregating.append((run, aggregatingCheck))
            } else {
                run.fail(
                    SnapshotProblem(file: "-", reason: "internal: \(run.name) has no evaluation shape"))
            }
        }
        for file in streamGroups.keys.sorted() {
            guard let group = streamGroups[file] else { continue }
            streamResources(file: file, group: group, context: context, workers: plan.workers)
        }
        for (run, check) in aggregating {
            let reporter = CheckReporter(
                resource: { verdict, location in
                    run.record(verdict, problem: location)
                },
                remarks: { run.add($0) })
            do {
                try check.run(context, reporter: reporter)
            } catch {
                run.fail(error)
            }
        }

        let outcomes = runs.map { $0.outcome() }
        let task = AuditTaskDescription(
            taskId: plan.taskId, taskStartTime: plan.auditTime,
            auditDetails: outcomes.map { ($0.name, $0.details) })
        let findingsPath = outputDirectory + "/findings.json"
        let taskPath = outputDirectory + "/audit-task.json"
        let findingsFile = try OutputFile(path: findingsPath)
        try findingsFile.write("{\n    \"findings\": [")
        var findingsCount = 0
        for run in runs where run.failure == nil && run.findingsCount > 0 {
            try run.closeSpool()
            if findingsCount > 0 { try findingsFile.write(",") }
            try findingsFile.append(contentsOf: run.spoolPath)
            findingsCount += run.findingsCount
        }
        try findingsFile.write(findingsCount > 0 ? "\n    ]\n}\n" : "]\n}\n")
        let taskFile = try OutputFile(path: taskPath)
        try taskFile.write(JSONWriter.pretty(task.json) + "\n")
        let sourceFile = try OutputFile(path: outputDirectory + "/" + AuditSource.fileName)
        let source = AuditSource(
            taskId: plan.taskId, accountId: snapshot.manifest.accountId, region: snapshot.manifest.region,
            snapshotExportedAt: snapshot.manifest.exportedAt, auditTime: plan.auditTime)
        try sourceFile.write(JSONWriter.pretty(source.json) + "\n")
        // Findings first: audit-task.json appearing means the task is complete.
        try findingsFile.commit()
        try sourceFile.commit()
        try taskFile.commit()
        return AuditOutcome(
            task: task, checks: outcomes, findingsCount: findingsCount, auditTaskPath: taskPath,
            findingsPath: findingsPath)
    }

    /// A check bound to its gathered facts: one closure the workers call.
    struct PreparedCheck: Sendable {
        let evaluate: @Sendable (JSONValue) -> ResourceVerdict
        let remarks: CheckRemarks
    }

    static func prepare<Check: ResourceCheck>(
        _ check: Check, context: AuditContext
    ) throws(SnapshotProblem) -> PreparedCheck {
        let facts = try check.gatherFacts(context)
        return PreparedCheck(
            evaluate: { value in check.evaluate(value, facts: facts, context: context) },
            remarks: check.remarks(facts))
    }

    private static func streamResources(
        file: SnapshotFile, group: [(run: CheckRun, check: any ResourceCheck)], context: AuditContext, workers: Int
    ) {
        let located: LocatedFile
        switch context.snapshot.locate(file) {
        case .success(let found): located = found
        case .failure(let problem):
            for member in group { member.run.fail(problem) }
            return
        }
        var active: [(run: CheckRun, prepared: PreparedCheck)] = []
        for member in group {
            do {
                let prepared = try prepare(member.check, context: context)
                member.run.add(prepared.remarks)
                active.append((member.run, prepared))
            } catch {
                member.run.fail(error)
            }
        }
        guard !active.isEmpty, let arrayKey = file.primaryArrayKey else { return }
        let prepared = active.map(\.prepared)

        var wave: [RawElement] = []
        var waveBytes = 0
        let waveLimit = workers * elementsPerWorker
        func flush() {
            let verdicts = evaluate(wave, checks: prepared, workers: workers)
            for (element, elementVerdicts) in zip(wave, verdicts) {
                for (member, verdict) in zip(active, elementVerdicts) {
                    member.run.record(
                        verdict,
                        problem: SnapshotProblem(
                            file: located.name, elementIndex: element.index, byteOffset: element.byteOffset,
                            reason: ""))
                }
            }
            wave.removeAll(keepingCapacity: true)
            waveBytes = 0
        }

        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            var sawArray = located.form == .lines
            while let event = try stream.next() {
                switch event {
                case .element(let element) where element.key == nil || element.key == arrayKey:
                    wave.append(element)
                    waveBytes += element.bytes.count
                    if wave.count >= waveLimit || waveBytes >= waveByteBudget { flush() }
                case .arrayStart(let key, _) where key == arrayKey:
                    sawArray = true
                case .member(let key, let value, let offset) where key == arrayKey:
                    throw SnapshotProblem(
                        file: located.name, byteOffset: offset,
                        reason: "'\(arrayKey)' is \(article(value.typeName)); expected an array")
                default:
                    continue
                }
            }
            if !sawArray {
                throw SnapshotProblem(file: located.name, reason: "no '\(arrayKey)' array in the file")
            }
            flush()
        } catch {
            let problem = SnapshotProblem(file: located.name, caught: error)
            for member in active { member.run.fail(problem) }
        }
    }

    /// Parses each element once and runs every check on it, on `workers`
    /// threads. Results come back in element order.
    static func evaluate(_ elements: [RawElement], checks: [PreparedCheck], workers: Int) -> [[ResourceVerdict]] {
        let evaluateOne: @Sendable (RawElement) -> [ResourceVerdict] = { element in
            switch element.parse() {
            case .success(let value):
                return checks.map { $0.evaluate(value) }
            case .failure(let error):
                let reason = "not valid JSON at byte \(error.byteOffset): \(error.reason)"
                return Array(repeating: .notEvaluable(reason), count: checks.count)
            }
        }
        if workers == 1 || elements.count < 2 { return elements.map(evaluateOne) }
        let slots = ResultSlots<[ResourceVerdict]>(count: elements.count)
        let threadCount = min(workers, elements.count)
        DispatchQueue.concurrentPerform(iterations: threadCount) { worker in
            var index = worker
            while index < elements.count {
                slots.store(evaluateOne(elements[index]), at: index)
                index += threadCount
            }
        }
        return slots.collect()
    }

    private static func article(_ typeName: String) -> String {
        typeName.first.map { "aeiou".contains($0) } == true ? "an \(typeName)" : "a \(typeName)"
    }

}

/// Fixed slots that parallel workers fill, each index written by exactly one
/// worker and read only after `concurrentPerform` returns, which orders the
/// writes before the reads. That discipline is why `@unchecked Sendable` is sound.
final class ResultSlots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let buffer: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
        storage = []
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ value: Value, at index: Int) { buffer[index] = value }

    func collect() -> [Value] { buffer.compactMap { $0 } }
}

/// The accumulating state of one check during a run; lives on the
/// coordinating thread only.
final class CheckRun {
    let name: String
    let severity: Severity
    let taskId: String
    let auditTime: AuditTime
    let previewLimit: Int
    let spoolPath: String
    private var spool: UnsafeMutablePointer<FILE>?

    var totalResources: Int64 = 0
    var nonCompliantResources: Int64 = 0
    var findingsCount = 0
    var preview: [AuditFinding] = []
    var notEvaluable: [SnapshotProblem] = []
    var notEvaluableCount = 0
    /// Notes on single resources (a policy over the size limit).
    var resourceNotes: [SnapshotProblem] = []
    var resourceNotesCount = 0
    var skippedInputs: [SnapshotProblem] = []
    var skippedInputCount = 0
    /// Notes on the whole check.
    var notes: [String] = []
    var failure: SnapshotProblem?

    static let problemsKept = 20

    init(description: CheckDescription, plan: AuditPlan, spoolPath: String) throws(SnapshotProblem) {
        name = description.name
        severity = description.severity
        taskId = plan.taskId
        auditTime = plan.auditTime
        previewLimit = plan.previewLimit
        self.spoolPath = spoolPath
        spool = fopen(spoolPath, "w")
        if spool == nil {
            throw SnapshotProblem(file: spoolPath, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    deinit { _ = try? closeSpool() }

    func closeSpool() throws(SnapshotProblem) {
        guard let spool else { return }
        self.spool = nil
        if fclose(spool) != 0 {
            throw SnapshotProblem(file: spoolPath, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Records one resource's verdict. `problem` locates the resource for a
    /// not-evaluable verdict or a note (its reason is filled in here).
    func record(_ verdict: ResourceVerdict, problem: SnapshotProblem?) {
        guard failure == nil else { return }
        if case .outOfScope = verdict { return }
        totalResources += 1
        recordCounted(verdict, problem: problem)
    }

    private func recordCounted(_ verdict: ResourceVerdict, problem: SnapshotProblem?) {
        switch verdict {
        case .outOfScope:
            break
        case .noted(let note, let inner):
            resourceNotesCount += 1
            if resourceNotes.count < CheckRun.problemsKept {
                var located = problem ?? SnapshotProblem(file: "-", reason: note)
                located.reason = note
                resourceNotes.append(located)
            }
            recordCounted(inner, problem: problem)
        case .compliant:
            break
        case .nonCompliant(let drafts):
            guard !drafts.isEmpty else { return }
            nonCompliantResources += 1
            for draft in drafts { append(finding(from: draft)) }
        case .notEvaluable(let reason):
            notEvaluableCount += 1
            if notEvaluable.count < CheckRun.problemsKept {
                var located = problem ?? SnapshotProblem(file: "-", reason: reason)
                located.reason = reason
                notEvaluable.append(located)
            }
        }
    }

    /// Inputs skipped and notes, kept (the first few) for the message.
    func add(_ remarks: CheckRemarks) {
        for problem in remarks.skippedInputs {
            skippedInputCount += 1
            if skippedInputs.count < CheckRun.problemsKept { skippedInputs.append(problem) }
        }
        for note in remarks.notes where !notes.contains(note) { notes.append(note) }
    }

    func fail(_ problem: SnapshotProblem) {
        guard failure == nil else { return }
        failure = problem
    }

    private func finding(from draft: FindingDraft) -> AuditFinding {
        AuditFinding(
            findingId: FindingIdentity.findingId(
                taskId: taskId, checkName: name, resource: draft.resource.resourceIdentifier,
                reasonCode: draft.reasonCode),
            taskId: taskId, checkName: name, taskStartTime: auditTime, findingTime: auditTime, severity: severity,
            nonCompliantResource: draft.resource, relatedResources: draft.relatedResources,
            reasonForNonCompliance: draft.reason, reasonForNonComplianceCode: draft.reasonCode, isSuppressed: false)
    }

    private func append(_ finding: AuditFinding) {
        if preview.count < previewLimit { preview.append(finding) }
        let text = (findingsCount > 0 ? "," : "") + "\n        " + JSONWriter.pretty(finding.json, level: 2)
        findingsCount += 1
        if let spool {
            var text = text
            _ = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, spool) }
        }
    }

    func outcome() -> CheckOutcome {
        if let failure {
            // A failed check reports no findings: what it saw may be incomplete.
            return CheckOutcome(
                name: name, severity: severity,
                details: AuditCheckDetails(
                    checkRunStatus: .failed, checkCompliant: false, totalResourcesCount: 0,
                    nonCompliantResourcesCount: 0, suppressedNonCompliantResourcesCount: 0,
                    message: failure.description),
                problems: [failure], preview: [])
        }
        var parts: [String] = []
        if notEvaluableCount > 0 {
            let listed = notEvaluable.map(\.description).joined(separator: "; ")
            let more =
                notEvaluableCount > notEvaluable.count ? "; and \(notEvaluableCount - notEvaluable.count) more" : ""
            parts.append("\(notEvaluableCount) of \(totalResources) resources not evaluable: \(listed)\(more)")
        }
        if resourceNotesCount > 0 {
            let listed = resourceNotes.map(\.description).joined(separator: "; ")
            let more =
                resourceNotesCount > resourceNotes.count ? "; and \(resourceNotesCount - resourceNotes.count) more" : ""
            parts.append("notes: \(listed)\(more)")
        }
        if skippedInputCount > 0 {
            let listed = skippedInputs.map(\.description).joined(separator: "; ")
            let more =
                skippedInputCount > skippedInputs.count ? "; and \(skippedInputCount - skippedInputs.count) more" : ""
            parts.append("\(skippedInputCount) input(s) skipped: \(listed)\(more)")
        }
        parts += notes
        let message: String? = parts.isEmpty ? nil : parts.joined(separator: ". ")
        let compliant = nonCompliantResources == 0
        return CheckOutcome(
            name: name, severity: severity,
            details: AuditCheckDetails(
                checkRunStatus: compliant ? .completedCompliant : .completedNonCompliant, checkCompliant: compliant,
                totalResourcesCount: totalResources, nonCompliantResourcesCount: nonCompliantResources,
                suppressedNonCompliantResourcesCount: 0, message: message),
            problems: notEvaluable + resourceNotes + skippedInputs, preview: preview)
    }
}
