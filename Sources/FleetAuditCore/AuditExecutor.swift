import Dispatch
import FleetAuditBase
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
    /// Parallel workers of every stage; the output is the same for any count.
    public var workers: Int
    /// How many findings per check to keep in memory for the summary (all are written).
    public var previewLimit: Int
    public var settings: AuditSettings
    /// `--memory-budget`: bytes the partitioned stages may hold at once.
    public var memoryBudget: Int
    /// Where the progress line goes (nil: no progress).
    public var progress: (@Sendable (String) -> Void)?
    public var progressStyle: AuditProgress.Style
    /// `--spill-dir`: where spill files go (default: a hidden folder in the output directory).
    public var spillDirectory: String?
    /// Spill buffers at most this many bytes in memory (default: a quarter of
    /// the budget); tests set it tiny to exercise the spilling path on small inputs.
    public var spillBufferLimit: Int?
    /// The account audit configuration: a planned check it does not enable ends
    /// FAILED with `AUDIT_CHECK_DISABLED`; thresholds; the notification target.
    public var configuration: AuditConfiguration = .everyCheck
    /// Suppressions; those active at `auditTime` mark findings `isSuppressed`.
    public var suppressions = AuditSuppressions()
    /// `--scheduled-audit-name`: the task is recorded as a run of this scheduled audit.
    public var scheduledAuditName: String?
    /// Records which snapshot files and folders the checks consult (nil: not
    /// recorded); tests compare it with the inputs the checks declare.
    public var accessLog: SnapshotAccessLog?

    public init(
        checks: [any AuditCheck.Type], taskId: String, auditTime: AuditTime, workers: Int, previewLimit: Int = 20,
        settings: AuditSettings = AuditSettings(), memoryBudget: Int = AuditRunResources.defaultMemoryBudget,
        progress: (@Sendable (String) -> Void)? = nil, progressStyle: AuditProgress.Style = .terminal
    ) {
        self.checks = checks
        self.taskId = taskId
        self.auditTime = auditTime
        self.workers = max(1, workers)
        self.previewLimit = previewLimit
        self.settings = settings
        self.memoryBudget = memoryBudget
        self.progress = progress
        self.progressStyle = progressStyle
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
    /// Resources that could not be evaluated: the audit is incomplete (exit 1) when any is.
    public var notEvaluableCount: Int64 = 0
    /// Findings written to findings.json (a resource may have several).
    public var findingsCount = 0
}

public struct AuditOutcome: Sendable {
    public var task: AuditTaskDescription
    public var checks: [CheckOutcome]
    public var findingsCount: Int
    public var auditTaskPath: String
    public var findingsPath: String
    /// What the audit read, as recorded in `audit-task.json`.
    public var snapshotDigest: SnapshotDigest?
    /// What hashing it cost: wall and CPU seconds (`--verbose` notes them).
    public var digestSeconds: (wall: Double, cpu: Double)?
    /// Whether it was hashed on a thread of its own beside the stages (more than one
    /// worker) or after them (`--workers 1`).
    public var digestBesideStages = true
    /// Bytes the partitioned stages wrote to spill files (0: everything fit the budget).
    public var spilledBytes: Int64 = 0
    /// `sns-outbox.jsonl` when the configuration's SNS target is enabled.
    public var notificationPath: String? = nil
}

/// Runs an on-demand audit in four stages, each on the workers, reading each
/// input file once for the whole run (see docs/architecture.md):
/// 1. account-settings checks read their small files whole;
/// 2. facts: every check that streams a file gathers its compact facts, in
///    parallel; facts several checks need (the CA index, IAM roles, the
///    partitioned connection logs) are gathered once and shared;
/// 3. each streamed file is read once: the reading thread finds element
///    boundaries, workers parse (jansson) and run every resource check and
///    every reducing check's contribution, and verdicts are merged in element
///    order into one spool file per check;
/// 4. reducing and aggregating checks report, in parallel;
/// then `findings.json` is the spools concatenated in registry order, and
/// `audit-task.json` is written last; both are renamed into place.
public enum AuditExecutor {
    public static func run(
        snapshot: Snapshot, plan: AuditPlan, outputDirectory: String
    ) throws(SnapshotProblem) -> AuditOutcome {
        let spoolDirectory = outputDirectory + "/.fleet-audit-spool-\(getpid())"
        let scratchDirectory = plan.spillDirectory.map { $0 + "/fleet-audit-spill-\(getpid())" } ?? spoolDirectory
        var cleanupTokens: [Int] = []
        defer {
            for directory in Set([spoolDirectory, scratchDirectory]) { FileSystem.removeTree(directory) }
            for token in cleanupTokens { InterruptCleanup.shared.unregister(token) }
        }
        try createWorkDirectories(
            spool: spoolDirectory, scratch: scratchDirectory, plan: plan, outputDirectory: outputDirectory,
            cleanupTokens: &cleanupTokens)
        // With more than one worker the digest is hashed on a thread of its own beside the
        // stages; `--workers 1` is one thread, so there it is hashed after them.
        let digestDone = DispatchGroup()
        let digest = AccumulatorBox<(SnapshotDigest, seconds: Double, cpuSeconds: Double)?>(nil)
        if plan.workers > 1 {
            Parallel.start(threads: 1, group: digestDone) { digest.value = computeDigest(snapshot, plan.checks) }
        }
        defer { digestDone.wait() }
        let progress = plan.progress.map { sink in
            AuditProgress(totalBytes: streamedBytes(snapshot, plan.checks), style: plan.progressStyle, sink: sink)
        }
        defer { progress?.finish() }
        let resources = AuditRunResources(
            workers: plan.workers, memoryBudget: plan.memoryBudget, scratchDirectory: scratchDirectory,
            progress: progress, spillBufferLimit: plan.spillBufferLimit)
        // What the checks consult is recorded when the plan asks; the digest's reads never are.
        var checkedSnapshot = snapshot
        checkedSnapshot.accessLog = plan.accessLog
        let context = AuditContext(
            snapshot: checkedSnapshot, auditTime: plan.auditTime, settings: plan.settings,
            configuration: plan.configuration, resources: resources)

        let runs = try makeRuns(plan, spoolDirectory: spoolDirectory)
        let checks = sortByShape(runs, plan: plan)
        // Stage 1: account settings.
        evaluateAccountSettings(checks.accountSettings, context: context)
        // Stage 2: facts, one check per job.
        progress?.begin("gathering facts")
        // Sized on the unlogged snapshot: sizing a file is not the checks consulting it.
        let factBytes = checks.streamed.map { bytesOf($0.factInputs.files, $0.factInputs.directories, in: snapshot) }
        let consumers = gatherFacts(checks.streamed, factBytes: factBytes, workers: plan.workers, context: context)
        try abortIfNeeded(resources)
        // Stage 3: each file once, for every check that reads it.
        try streamFiles(zip(checks.streamed, consumers), context: context, progress: progress)
        // Stage 4: checks that report after reading.
        progress?.begin("aggregating")
        finish(consumers, checks.aggregating, workers: plan.workers, context: context)
        try abortIfNeeded(resources)
        progress?.finish()

        digestDone.wait()
        if plan.workers == 1 { digest.value = computeDigest(snapshot, plan.checks) }
        var outcome = try writeOutputs(
            runs: runs, plan: plan, snapshot: snapshot, digest: digest.value?.0, outputDirectory: outputDirectory)
        outcome.digestSeconds = digest.value.map { ($0.seconds, $0.cpuSeconds) }
        outcome.digestBesideStages = plan.workers > 1
        outcome.spilledBytes = resources.spilledBytes
        return outcome
    }

    /// The spool folder in the output directory and the scratch folder (the same
    /// one unless `--spill-dir`), each registered for removal on an interrupt.
    private static func createWorkDirectories(
        spool spoolDirectory: String, scratch scratchDirectory: String, plan: AuditPlan, outputDirectory: String,
        cleanupTokens: inout [Int]
    ) throws(SnapshotProblem) {
        for directory in Set([spoolDirectory, scratchDirectory]).sorted() {
            cleanupTokens.append(InterruptCleanup.shared.register(directory))
            do {
                try OutputDirectory.createDirectories(directory)
            } catch {
                throw SnapshotProblem(
                    file: directory == spoolDirectory ? outputDirectory : plan.spillDirectory ?? directory,
                    reason: "cannot create the spill directory: \(error.reason)")
            }
        }
    }

    /// The snapshot digest (audit-task.json's snapshotDigest) and what hashing it
    /// cost on its thread, wall and CPU seconds. Hashed beside the stages, the files
    /// are the ones the stages read, so the second read mostly comes from the page
    /// cache (docs/benchmarks.md).
    private static func computeDigest(
        _ snapshot: Snapshot, _ checks: [any AuditCheck.Type]
    ) -> (SnapshotDigest, seconds: Double, cpuSeconds: Double) {
        let (wall, cpu) = (Self.clock(CLOCK_MONOTONIC), Self.clock(CLOCK_THREAD_CPUTIME_ID))
        let computed = SnapshotDigest.compute(snapshot, checks: checks)
        return (computed, Self.clock(CLOCK_MONOTONIC) - wall, Self.clock(CLOCK_THREAD_CPUTIME_ID) - cpu)
    }

    /// One `CheckRun` per planned check, in plan order, each with its spool file.
    private static func makeRuns(_ plan: AuditPlan, spoolDirectory: String) throws(SnapshotProblem) -> [CheckRun] {
        let suppressed = plan.suppressions.active(at: plan.auditTime)
        var runs: [CheckRun] = []
        for (position, check) in plan.checks.enumerated() {
            runs.append(
                try CheckRun(
                    description: check.description, plan: plan, suppressed: suppressed[check.description.name] ?? [],
                    spoolPath: spoolDirectory + "/\(position).spool"))
        }
        return runs
    }

    /// A check of the shared file pass before its facts are gathered: the file it
    /// reads, and how it is bound to its facts in stage 2.
    struct StreamedCheck: Sendable {
        let run: CheckRun
        let file: SnapshotFile
        /// The files and folders its facts come from (its declared inputs but `file`).
        let factInputs: (files: [SnapshotFile], directories: [SnapshotDirectory])
        let prepare: @Sendable (AuditContext) throws(SnapshotProblem) -> StreamConsumer
    }

    /// The enabled checks of a plan by shape, in plan order within each shape.
    struct ChecksByShape {
        var accountSettings: [(run: CheckRun, check: any AccountSettingsCheck)] = []
        var streamed: [StreamedCheck] = []
        var aggregating: [(run: CheckRun, check: any AggregatingCheck)] = []
    }

    /// Sorts the checks by their static shape; a check the configuration does
    /// not enable fails here, unrun.
    private static func sortByShape(_ runs: [CheckRun], plan: AuditPlan) -> ChecksByShape {
        var checks = ChecksByShape()
        for (run, checkType) in zip(runs, plan.checks) {
            guard plan.configuration.isEnabled(checkType.description) else {
                // As Defender: a check asked for by name must be enabled in the account's configuration.
                run.fail(
                    SnapshotProblem(
                        file: SnapshotFile.auditConfiguration.jsonName,
                        reason: "\(run.name) is not enabled (auditCheckConfigurations.\(run.name).enabled is not "
                            + "true); it was not run"),
                    errorCode: AuditCheckDetails.auditCheckDisabled)
                continue
            }
            switch checkType.shape {
            case .accountSettings(let type):
                checks.accountSettings.append((run, type.init()))
            case .resource(let type):
                let check = type.init()
                checks.streamed.append(
                    StreamedCheck(
                        run: run, file: type.resourceFile, factInputs: factInputs(checkType, type.resourceFile)
                    ) {
                        context throws(SnapshotProblem) in
                        try prepare(check, run: run, context: context)
                    })
            case .reducing(let type):
                let check = type.init()
                checks.streamed.append(
                    StreamedCheck(
                        run: run, file: type.resourceFile, factInputs: factInputs(checkType, type.resourceFile)
                    ) {
                        context throws(SnapshotProblem) in
                        try prepare(check, run: run, context: context)
                    })
            case .aggregating(let type):
                checks.aggregating.append((run, type.init()))
            }
        }
        return checks
    }

    /// Stage 1: each account-settings check reads its small files whole; throwing fails it.
    private static func evaluateAccountSettings(
        _ checks: [(run: CheckRun, check: any AccountSettingsCheck)], context: AuditContext
    ) {
        for (run, check) in checks {
            do {
                try run.record(check.evaluate(context), location: nil)
            } catch {
                run.fail(error)
            }
        }
    }

    /// Stage 2: every streamed check gathers its facts, in parallel; nil where that failed the check.
    private static func gatherFacts(
        _ streamed: [StreamedCheck], factBytes bytes: [Int64], workers: Int, context: AuditContext
    ) -> [StreamConsumer?] {
        // The largest jobs first (longest-processing-time order, by the bytes their facts
        // come from), so the connection-log partitions do not start after the small jobs
        // and end the stage alone.
        let order = streamed.indices.sorted { bytes[$0] > bytes[$1] || (bytes[$0] == bytes[$1] && $0 < $1) }
        let consumers = Parallel.map(count: streamed.count, workers: workers) { position -> StreamConsumer? in
            let index = order[position]
            let check = streamed[index]
            do throws(SnapshotProblem) {
                return try check.prepare(context)
            } catch {
                check.run.fail(error)
                return nil
            }
        }
        var byCheck = [StreamConsumer?](repeating: nil, count: streamed.count)
        for (position, index) in order.enumerated() { byCheck[index] = consumers[position] }
        return byCheck
    }

    /// The declared inputs of a streamed check but the file it streams.
    private static func factInputs(
        _ check: any AuditCheck.Type, _ streamedFile: SnapshotFile
    ) -> (files: [SnapshotFile], directories: [SnapshotDirectory]) {
        (check.description.inputs.filter { $0 != streamedFile }, check.description.inputDirectories)
    }

    /// Stage 3: each file is read once, in file order, for every check that reads it.
    private static func streamFiles(
        _ checks: some Sequence<(StreamedCheck, StreamConsumer?)>, context: AuditContext, progress: AuditProgress?
    ) throws(SnapshotProblem) {
        var byFile: [SnapshotFile: [StreamConsumer]] = [:]
        for (check, consumer) in checks {
            if let consumer, consumer.needsElements { byFile[check.file, default: []].append(consumer) }
        }
        let files = byFile.keys.sorted()
        for (number, file) in files.enumerated() {
            guard let consumers = byFile[file] else { continue }
            progress?.begin("file \(number + 1)/\(files.count) \(file.jsonName)")
            stream(file, consumers: consumers, context: context)
            try abortIfNeeded(context.resources)
        }
    }

    /// Stage 4: reducing checks finish and aggregating checks run, in parallel.
    private static func finish(
        _ consumers: [StreamConsumer?], _ aggregating: [(run: CheckRun, check: any AggregatingCheck)], workers: Int,
        context: AuditContext
    ) {
        var finishing: [@Sendable () -> Void] = consumers.compactMap { $0?.finish }
        for (run, check) in aggregating {
            finishing.append {
                do throws(SnapshotProblem) {
                    try check.run(context, reporter: run.reporter)
                } catch {
                    run.fail(error)
                }
            }
        }
        let finishingJobs = finishing
        _ = Parallel.map(count: finishingJobs.count, workers: workers) { finishingJobs[$0]() }
    }

    /// Seconds on `clock` (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID).
    static func clock(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func abortIfNeeded(_ resources: AuditRunResources) throws(SnapshotProblem) {
        if let problem = resources.abortProblem { throw problem }
    }

    /// The sizes of the files the selected checks stream, for the progress line's total.
    static func streamedBytes(_ snapshot: Snapshot, _ checks: [any AuditCheck.Type]) -> Int64 {
        var files: Set<SnapshotFile> = []
        var directories: Set<SnapshotDirectory> = []
        for check in checks {
            files.formUnion(check.description.inputs)
            directories.formUnion(check.description.inputDirectories)
        }
        return bytesOf(files, directories, in: snapshot)
    }

    /// The bytes of these snapshot files and of every file in these folders (absent ones: 0).
    static func bytesOf(
        _ files: some Sequence<SnapshotFile>, _ directories: some Sequence<SnapshotDirectory>, in snapshot: Snapshot
    ) -> Int64 {
        var total: Int64 = 0
        for file in files {
            if case .success(let located) = snapshot.locate(file) { total += FileSystem.size(located.path) ?? 0 }
        }
        for directory in directories {
            if case .success(let entries) = snapshot.files(in: directory) {
                for entry in entries { total += FileSystem.size(entry.path) ?? 0 }
            }
        }
        return total
    }

    private static func writeOutputs(
        runs: [CheckRun], plan: AuditPlan, snapshot: Snapshot, digest: SnapshotDigest?, outputDirectory: String
    ) throws(SnapshotProblem) -> AuditOutcome {
        let outcomes = runs.map { $0.outcome() }
        let task = AuditTaskDescription(
            taskId: plan.taskId, taskStartTime: plan.auditTime,
            auditDetails: outcomes.map { ($0.name, $0.details) }, scheduledAuditName: plan.scheduledAuditName)
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
        // Always written (empty when no finding lists its related resources apart),
        // so a missing file means a broken or foreign output directory.
        let relatedFile = try OutputFile(path: outputDirectory + "/" + RelatedResourceList.fileName)
        for run in runs where run.failure == nil && run.listedRelatedResourcesCount > 0 {
            try run.closeSpool()
            try relatedFile.append(contentsOf: run.relatedSpoolPath)
        }
        let taskFile = try OutputFile(path: taskPath)
        var taskJSON = task.json
        if let digest, case .object(var object) = taskJSON {
            object["snapshotDigest"] = digest.json
            taskJSON = .object(object)
        }
        try taskFile.write(JSONWriter.pretty(taskJSON) + "\n")
        let sourceFile = try OutputFile(path: outputDirectory + "/" + AuditSource.fileName)
        let source = AuditSource(
            taskId: plan.taskId, accountId: snapshot.manifest.accountId, region: snapshot.manifest.region,
            snapshotExportedAt: snapshot.manifest.exportedAt, auditTime: plan.auditTime)
        try sourceFile.write(JSONWriter.pretty(source.json) + "\n")
        var notificationPath: String? = nil
        var outbox: OutputFile? = nil
        if let target = plan.configuration.notificationTarget {
            let path = outputDirectory + "/" + AuditNotification.outboxFileName
            let file = try OutputFile(path: path)
            let record = AuditNotification.record(task: task, accountId: snapshot.manifest.accountId, target: target)
            try file.write(JSONWriter.compact(record) + "\n")
            outbox = file
            notificationPath = path
        }
        // Findings first: audit-task.json appearing means the task is complete.
        try findingsFile.commit()
        try relatedFile.commit()
        try sourceFile.commit()
        try outbox?.commit()
        try taskFile.commit()
        var outcome = AuditOutcome(
            task: task, checks: outcomes, findingsCount: findingsCount, auditTaskPath: taskPath,
            findingsPath: findingsPath, snapshotDigest: digest)
        outcome.notificationPath = notificationPath
        return outcome
    }

    /// A check bound to its facts, as the file pass sees it: what runs on the
    /// workers per element, what is folded on the coordinating thread in
    /// element order, and what runs once the file has been read.
    struct StreamConsumer: Sendable {
        let run: CheckRun
        let needsElements: Bool
        /// The members the check reads (nil: all).
        let members: [String]?
        let evaluate: @Sendable (StreamedElement) -> any Sendable
        let fold: @Sendable (any Sendable, SnapshotProblem) -> Void
        let finish: (@Sendable () -> Void)?
    }

    static func prepare<Check: ResourceCheck>(
        _ check: Check, run: CheckRun, context: AuditContext
    ) throws(SnapshotProblem) -> StreamConsumer {
        let facts = try check.gatherFacts(context)
        run.add(check.remarks(facts))
        let renderer = run.renderer
        return StreamConsumer(
            run: run, needsElements: true, members: Check.resourceMembers,
            evaluate: { element in
                let verdict: ResourceVerdict
                switch element.value {
                case .success(let value): verdict = check.evaluate(value, facts: facts, context: context)
                case .failure(let problem): verdict = .notEvaluable(problem.reason)
                }
                return RenderedVerdict(verdict: verdict, renderer: renderer)
            },
            fold: { result, location in
                if let rendered = result as? RenderedVerdict { run.record(rendered, location: location) }
            },
            finish: nil)
    }

    /// Holds a reducing check's accumulator between the fold (coordinating
    /// thread) and the finish (one worker, after the fold): never both at once.
    final class AccumulatorBox<Value>: @unchecked Sendable {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    static func prepare<Check: ReducingCheck>(
        _ check: Check, run: CheckRun, context: AuditContext
    ) throws(SnapshotProblem) -> StreamConsumer {
        let facts = try check.gatherFacts(context)
        let box = AccumulatorBox(check.makeAccumulator(facts, context: context))
        let reporter = run.reporter
        return StreamConsumer(
            run: run, needsElements: check.needsElements(facts), members: Check.resourceMembers,
            evaluate: { element in check.contribution(of: element, facts: facts, context: context) },
            fold: { result, _ in
                if let contribution = result as? Check.Contribution {
                    check.fold(contribution, into: &box.value, reporter: reporter)
                }
            },
            finish: {
                guard !run.hasFailed else { return }
                do throws(SnapshotProblem) {
                    try check.finish(box.value, facts: facts, context: context, reporter: reporter)
                } catch {
                    run.fail(error)
                }
            })
    }

    private static func stream(_ file: SnapshotFile, consumers: [StreamConsumer], context: AuditContext) {
        let located: LocatedFile
        switch context.snapshot.locate(file) {
        case .success(let found): located = found
        case .failure(let problem):
            for consumer in consumers { consumer.fail(problem) }
            return
        }
        guard file.primaryArrayKey != nil else { return }
        let stream = SnapshotStream(located, progress: context.resources.progress)
        // Only when every check names its members can the others go unbuilt.
        let declared = consumers.compactMap(\.members)
        let members =
            declared.count == consumers.count ? JSONMemberSelection(Set(declared.joined()).sorted()) : nil
        do {
            try stream.forEachParallel(workers: context.resources.workers, members: members) { element in
                consumers.map { $0.evaluate(element) }
            } consume: { results, location in
                for (consumer, result) in zip(consumers, results) { consumer.fold(result, location) }
            }
        } catch {
            for consumer in consumers { consumer.fail(error) }
        }
    }
}

extension AuditExecutor.StreamConsumer {
    func fail(_ problem: SnapshotProblem) { run.fail(problem) }
}

/// A verdict with its findings already rendered as text, on the worker that
/// evaluated it, so the coordinating thread only copies bytes.
struct RenderedVerdict: Sendable {
    var verdict: ResourceVerdict
    /// The findings' text (UTF-8), each preceded by its separator, and how many.
    var text: [UInt8]
    var count: Int
    /// How many of the findings are suppressed.
    var suppressedCount: Int

    init(verdict: ResourceVerdict, renderer: FindingRenderer) {
        self.verdict = verdict
        var text: [UInt8] = []
        var count = 0
        var suppressedCount = 0
        for draft in verdict.findingDrafts {
            let finding = renderer.finding(from: draft)
            if count > 0 { text.append(UInt8(ascii: ",")) }
            FindingText.newline(2, into: &text)
            FindingText.pretty(finding, level: 2, auditTimeText: renderer.auditTimeText, into: &text)
            count += 1
            if finding.isSuppressed { suppressedCount += 1 }
        }
        self.text = text
        self.count = count
        self.suppressedCount = suppressedCount
    }
}

extension ResourceVerdict {
    /// The drafts of a non-compliant verdict, through notes.
    var findingDrafts: [FindingDraft] {
        switch self {
        case .nonCompliant(let drafts): return drafts
        case .noted(_, let inner): return inner.findingDrafts
        default: return []
        }
    }
}

/// Stamps drafts with the task, check, time and derived finding id.
struct FindingRenderer: Sendable {
    let taskId: String
    let checkName: String
    let severity: Severity
    let auditTime: AuditTime
    /// `auditTime.iso8601`, formatted once for every finding of the run.
    let auditTimeText: String
    /// The resources whose findings of this check are suppressed at the audit time.
    let suppressed: Set<ResourceIdentifier>

    init(
        taskId: String, checkName: String, severity: Severity, auditTime: AuditTime,
        suppressed: Set<ResourceIdentifier> = []
    ) {
        self.taskId = taskId
        self.checkName = checkName
        self.severity = severity
        self.auditTime = auditTime
        self.suppressed = suppressed
        auditTimeText = auditTime.iso8601
    }

    func finding(from draft: FindingDraft) -> AuditFinding {
        AuditFinding(
            findingId: FindingIdentity.findingId(
                taskId: taskId, checkName: checkName, resource: draft.resource.resourceIdentifier,
                reasonCode: draft.reasonCode),
            taskId: taskId, checkName: checkName, taskStartTime: auditTime, findingTime: auditTime,
            severity: severity, nonCompliantResource: draft.resource, relatedResources: draft.relatedResources,
            reasonForNonCompliance: draft.reason, reasonForNonComplianceCode: draft.reasonCode,
            isSuppressed: !suppressed.isEmpty && suppressed.contains(draft.resource.resourceIdentifier))
    }
}

/// The accumulating state of one check during a run. Verdicts may come from
/// any thread (aggregating checks report from workers); a lock keeps the
/// counts and the spool consistent, in the order the calls were made.
final class CheckRun: @unchecked Sendable {
    let name: String
    let severity: Severity
    let renderer: FindingRenderer
    let previewLimit: Int
    let spoolPath: String
    /// Where the related resources listed apart from their findings go
    /// (`related-resources.jsonl`), opened on the first one.
    let relatedSpoolPath: String
    private let lock = Lock()
    private var spool: UnsafeMutablePointer<FILE>?
    private var relatedSpool: UnsafeMutablePointer<FILE>?
    private var relatedSpoolFailure: SnapshotProblem?
    private(set) var listedRelatedResourcesCount = 0

    private var totalResources: Int64 = 0
    private var nonCompliantResources: Int64 = 0
    /// Non-compliant resources all of whose findings are suppressed (a subset of the above).
    private var suppressedNonCompliantResources: Int64 = 0
    private(set) var findingsCount = 0
    private var preview: [AuditFinding] = []
    private var notEvaluable: [SnapshotProblem] = []
    private var notEvaluableCount = 0
    /// Notes on single resources (a policy over the size limit).
    private var resourceNotes: [SnapshotProblem] = []
    private var resourceNotesCount = 0
    private var skippedInputs: [SnapshotProblem] = []
    private var skippedInputCount = 0
    /// Notes on the whole check.
    private var notes: [String] = []
    private(set) var failure: SnapshotProblem?
    private var failureCode: String?

    static let problemsKept = 20

    init(
        description: CheckDescription, plan: AuditPlan, suppressed: Set<ResourceIdentifier> = [], spoolPath: String
    ) throws(SnapshotProblem) {
        name = description.name
        severity = description.severity
        renderer = FindingRenderer(
            taskId: plan.taskId, checkName: description.name, severity: description.severity,
            auditTime: plan.auditTime, suppressed: suppressed)
        previewLimit = plan.previewLimit
        self.spoolPath = spoolPath
        relatedSpoolPath = spoolPath + ".related"
        spool = fopen(spoolPath, "w")
        if spool == nil {
            throw SnapshotProblem(file: spoolPath, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    deinit { _ = try? closeSpool() }

    /// Where an aggregating or reducing check reports; callable from any thread.
    var reporter: CheckReporter {
        CheckReporter(
            resource: { [self] verdict, location in
                record(RenderedVerdict(verdict: verdict, renderer: renderer), location: location)
            },
            remarks: { [self] remarks in add(remarks) },
            listedRelatedResources: { [self] draft, resources in listRelatedResources(of: draft, resources) })
    }

    var hasFailed: Bool { lock.withLock { failure != nil } }

    func closeSpool() throws(SnapshotProblem) {
        if let relatedSpool {
            self.relatedSpool = nil
            if fclose(relatedSpool) != 0 && relatedSpoolFailure == nil {
                relatedSpoolFailure = SnapshotProblem(
                    file: relatedSpoolPath, reason: "write failed: \(String(cString: strerror(errno)))")
            }
        }
        if let relatedSpoolFailure { throw relatedSpoolFailure }
        guard let spool else { return }
        self.spool = nil
        if fclose(spool) != 0 {
            throw SnapshotProblem(file: spoolPath, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes the related resources of `draft`'s finding that are listed apart
    /// from it, one line each, in the order `resources` yields them.
    func listRelatedResources(of draft: FindingDraft, _ resources: AnySequence<AuditResource>) {
        let findingId = renderer.finding(from: draft).findingId
        lock.withLock {
            guard failure == nil, relatedSpoolFailure == nil else { return }
            if relatedSpool == nil {
                relatedSpool = fopen(relatedSpoolPath, "w")
                if relatedSpool == nil {
                    relatedSpoolFailure = SnapshotProblem(
                        file: relatedSpoolPath, reason: "cannot write: \(String(cString: strerror(errno)))")
                    return
                }
            }
            guard let relatedSpool else { return }
            for resource in resources {
                var line = RelatedResourceList.line(findingId: findingId, resource: resource)
                _ = line.withUTF8 { fwrite($0.baseAddress, 1, $0.count, relatedSpool) }
                listedRelatedResourcesCount += 1
            }
        }
    }

    func record(_ verdict: ResourceVerdict, location: SnapshotProblem?) {
        record(RenderedVerdict(verdict: verdict, renderer: renderer), location: location)
    }

    /// Records one resource's verdict. `location` locates the resource for a
    /// not-evaluable verdict or a note (its reason is filled in here).
    func record(_ rendered: RenderedVerdict, location: SnapshotProblem?) {
        lock.withLock {
            guard failure == nil else { return }
            if case .outOfScope = rendered.verdict { return }
            totalResources += 1
            recordCounted(rendered.verdict, location: location)
            guard rendered.count > 0 else { return }
            nonCompliantResources += 1
            if rendered.suppressedCount == rendered.count { suppressedNonCompliantResources += 1 }
            if let spool {
                if findingsCount > 0 { fputc(Int32(UInt8(ascii: ",")), spool) }
                _ = rendered.text.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, spool) }
            }
            findingsCount += rendered.count
            for draft in rendered.verdict.findingDrafts where preview.count < previewLimit {
                preview.append(renderer.finding(from: draft))
            }
        }
    }

    private func recordCounted(_ verdict: ResourceVerdict, location: SnapshotProblem?) {
        switch verdict {
        case .outOfScope, .compliant, .nonCompliant:
            break
        case .noted(let note, let inner):
            resourceNotesCount += 1
            if resourceNotes.count < CheckRun.problemsKept {
                var located = location ?? SnapshotProblem(file: "-", reason: note)
                located.reason = note
                resourceNotes.append(located)
            }
            recordCounted(inner, location: location)
        case .notEvaluable(let reason):
            notEvaluableCount += 1
            if notEvaluable.count < CheckRun.problemsKept {
                var located = location ?? SnapshotProblem(file: "-", reason: reason)
                located.reason = reason
                notEvaluable.append(located)
            }
        }
    }

    /// Inputs skipped and notes, kept (the first few) for the message.
    func add(_ remarks: CheckRemarks) {
        lock.withLock {
            for problem in remarks.skippedInputs {
                skippedInputCount += 1
                if skippedInputs.count < CheckRun.problemsKept { skippedInputs.append(problem) }
            }
            skippedInputCount += remarks.unlistedSkippedCount
            for note in remarks.notes where !notes.contains(note) { notes.append(note) }
        }
    }

    func fail(_ problem: SnapshotProblem, errorCode: String? = nil) {
        lock.withLock {
            guard failure == nil else { return }
            failure = problem
            failureCode = errorCode
        }
    }

    func outcome() -> CheckOutcome {
        lock.withLock { unlockedOutcome() }
    }

    private func unlockedOutcome() -> CheckOutcome {
        if let failure {
            // A failed check reports no findings: what it saw may be incomplete.
            return CheckOutcome(
                name: name, severity: severity,
                details: AuditCheckDetails(
                    checkRunStatus: .failed, checkCompliant: false, totalResourcesCount: 0,
                    nonCompliantResourcesCount: 0, suppressedNonCompliantResourcesCount: 0,
                    message: failure.description, errorCode: failureCode),
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
        if totalResources > 0 && Int64(notEvaluableCount) == totalResources {
            // Nothing was judged: COMPLIANT would claim what was never tested.
            return CheckOutcome(
                name: name, severity: severity,
                details: AuditCheckDetails(
                    checkRunStatus: .failed, checkCompliant: false, totalResourcesCount: totalResources,
                    nonCompliantResourcesCount: 0, suppressedNonCompliantResourcesCount: 0,
                    message: "none of the resources could be evaluated: " + (message ?? "")),
                problems: notEvaluable + resourceNotes + skippedInputs, preview: [],
                notEvaluableCount: Int64(notEvaluableCount))
        }
        // Suppressed findings do not count against the check (they are still written and counted).
        let compliant = nonCompliantResources == suppressedNonCompliantResources
        return CheckOutcome(
            name: name, severity: severity,
            details: AuditCheckDetails(
                checkRunStatus: compliant ? .completedCompliant : .completedNonCompliant, checkCompliant: compliant,
                totalResourcesCount: totalResources, nonCompliantResourcesCount: nonCompliantResources,
                suppressedNonCompliantResourcesCount: suppressedNonCompliantResources, message: message),
            problems: notEvaluable + resourceNotes + skippedInputs, preview: preview,
            notEvaluableCount: Int64(notEvaluableCount), findingsCount: findingsCount)
    }
}
