import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `fleet-audit mitigate` was asked to do, before validation.
public struct MitigationRequest: Sendable {
    public var snapshotPath: String
    public var auditDirectory: String
    /// Where the action definitions come from: the snapshot's own `mitigation-actions.json` unless set.
    public var actions: MitigationActionsSource
    public var target: JSONValue?
    public var mapping: JSONValue
    public var outputPath: String
    public var reportDirectory: String?
    public var taskId: String?
    public var now: AuditTime?
    /// `--force`: replace a previous new snapshot at `outputPath` and a previous task's records,
    /// as `audit --force` replaces a previous audit output.
    public var force = false
    /// The checks this fleet-audit runs (the frontend passes the registry): the audit's
    /// checks among them say which files its snapshot digest covers.
    public var checks: [any AuditCheck.Type]

    public init(
        snapshotPath: String, auditDirectory: String, actions: MitigationActionsSource = .snapshot,
        target: JSONValue? = nil,
        mapping: JSONValue, outputPath: String, reportDirectory: String? = nil, taskId: String? = nil,
        now: AuditTime? = nil, checks: [any AuditCheck.Type]
    ) {
        self.checks = checks
        self.snapshotPath = snapshotPath
        self.auditDirectory = auditDirectory
        self.actions = actions
        self.target = target
        self.mapping = mapping
        self.outputPath = outputPath
        self.reportDirectory = reportDirectory
        self.taskId = taskId
        self.now = now
    }
}

/// Where a task's mitigation action definitions come from (`mitigate --actions`).
public enum MitigationActionsSource: Sendable {
    /// The snapshot's own `mitigation-actions.json`.
    case snapshot
    /// A file in the format of `mitigation-actions.json`.
    case file(path: String)
    /// That file's content, given inline and already parsed.
    case inline(JSONValue)
}

/// One execution: one action applied to one finding (`AuditMitigationActionExecutionMetadata`).
public struct ActionExecution: Sendable, Hashable {
    public enum Status: String, Sendable {
        case completed = "COMPLETED"
        case failed = "FAILED"
        case skipped = "SKIPPED"
    }

    public var taskId: String
    public var findingId: String
    public var actionName: String
    public var actionId: String
    public var status: Status
    public var startTime: AuditTime
    public var endTime: AuditTime
    public var errorCode: String?
    public var message: String?
    /// What a completed execution changed (not part of the Defender record).
    public var changes: [ResourceChange] = []

    public var json: JSONValue {
        var object = JSONObject([
            ("taskId", .string(taskId)), ("findingId", .string(findingId)), ("actionName", .string(actionName)),
            ("actionId", .string(actionId)), ("status", .string(status.rawValue)),
            ("startTime", .string(startTime.iso8601)), ("endTime", .string(endTime.iso8601)),
        ])
        if let errorCode { object["errorCode"] = .string(errorCode) }
        if let message { object["message"] = .string(message) }
        return .object(object)
    }
}

/// `taskStatistics` of one check.
public struct MitigationCheckStatistics: Sendable, Hashable {
    public var total = 0
    public var succeeded = 0
    public var failed = 0
    public var skipped = 0
    public var canceled = 0

    public var json: JSONValue {
        [
            "totalFindingsCount": .integer(Int64(total)), "failedFindingsCount": .integer(Int64(failed)),
            "succeededFindingsCount": .integer(Int64(succeeded)), "skippedFindingsCount": .integer(Int64(skipped)),
            "canceledFindingsCount": .integer(Int64(canceled)),
        ]
    }
}

public struct MitigationOutcome: Sendable {
    public var taskId: String
    public var failed: Bool
    public var executions: [ActionExecution]
    public var statistics: [(check: String, statistics: MitigationCheckStatistics)]
    public var outputPath: String
    public var reportDirectory: String
    public var publishedCount: Int
    /// The targeted findings, in the audit's order (executions name them by id).
    public var findings: [AuditedFinding]
    public var auditTaskId: String

    /// `remediation.sh` in the report directory.
    public var remediationScriptPath: String { reportDirectory + "/" + RemediationScript.fileName }
}

/// Runs an audit mitigation actions task (`start-audit-mitigation-actions-task`)
/// offline: validates everything first (nothing is written when the request is
/// wrong), then applies the mapped actions to a copy of the snapshot, finding
/// by finding in the audit's order, and writes the Defender records.
public enum MitigationExecutor {
    /// A validated plan: per targeted finding, the actions to run in order.
    struct Plan {
        var taskId: String
        var now: AuditTime
        var target: MitigationTarget
        var mapping: [(check: String, actions: [String])]
        var actionsForCheck: [String: [(MitigationActionDefinition, any MitigationActionType)]]
        var findings: [AuditedFinding]
        var usedDefinitions: [MitigationActionDefinition]
        var reportDirectory: String
        var auditTaskId: String
    }

    public static func run(_ request: MitigationRequest, snapshot: Snapshot) throws(MitigationRequestError)
        -> MitigationOutcome
    {
        let plan = try validate(request, snapshot: snapshot)
        return try execute(plan, request: request, snapshot: snapshot)
    }

    static func validate(_ request: MitigationRequest, snapshot: Snapshot) throws(MitigationRequestError) -> Plan {
        if let taskId = request.taskId {
            guard (1...128).contains(taskId.count), taskId.utf8.allSatisfy(MitigationActionDefinition.isNameByte) else {
                throw .usage("--task-id '\(taskId)' must be 1 to 128 characters of [a-zA-Z0-9_-] (the API's taskId)")
            }
        }
        try validateOutput(request.outputPath, input: snapshot.directory, force: request.force)
        let audit = try AuditRecord.load(request.auditDirectory)
        guard audit.source.accountId == snapshot.manifest.accountId, audit.source.region == snapshot.manifest.region
        else {
            throw .input(
                "audit \(audit.taskId) in \(request.auditDirectory) is of account \(audit.source.accountId) "
                    + "\(audit.source.region), the snapshot of \(snapshot.manifest.accountId) \(snapshot.manifest.region)"
            )
        }
        let target =
            try request.target.map { json throws(MitigationRequestError) in try MitigationTarget(json: json) }
            ?? MitigationTarget(auditTaskId: audit.taskId)
        let definitions = try loadActions(request.actions, snapshot: snapshot)
        let mapping = try parseMapping(request.mapping)

        var actionsForCheck: [String: [(MitigationActionDefinition, any MitigationActionType)]] = [:]
        var used: [MitigationActionDefinition] = []
        var canonicalMapping: [(check: String, actions: [String])] = []
        for (check, names) in mapping {
            guard let canonical = CheckName(named: check)?.rawValue else {
                throw .usage("--audit-check-to-actions-mapping: " + UnknownCheckNames(names: [check]).description)
            }
            guard audit.checkNames.contains(canonical) else {
                throw .input(
                    "--audit-check-to-actions-mapping names \(check), which audit \(audit.taskId) did not run (it ran "
                        + audit.checkNames.joined(separator: ", ") + ")")
            }
            var configured: [(MitigationActionDefinition, any MitigationActionType)] = []
            for name in names {
                guard let element = definitions[name] else {
                    throw .usage(
                        "--audit-check-to-actions-mapping: " + Self.unknownAction(name, defined: definitions.keys))
                }
                // Only the actions the mapping uses are validated; an invalid one is
                // a usage error, as CreateMitigationAction / the task request would be.
                let definition: MitigationActionDefinition
                let action: any MitigationActionType
                do {
                    definition = try MitigationActionDefinition(json: element)
                    action = try MitigationActionRegistry.instantiate(definition, forCheck: canonical)
                } catch {
                    throw .usage(error.description)
                }
                configured.append((definition, action))
                if !used.contains(where: { $0.name == name }) { used.append(definition) }
            }
            actionsForCheck[canonical] = configured
            canonicalMapping.append((check, names))
        }
        let findings = try target.select(from: audit)
        // Last of the checks: it reads every input file of the audited checks.
        try verifySnapshot(audit, snapshot: snapshot, checks: request.checks)
        let taskId = request.taskId ?? FindingIdentity.randomTaskId()
        let reportDirectory = request.reportDirectory ?? (request.auditDirectory + "/mitigations/" + taskId)
        if FileSystem.exists(reportDirectory) && !OutputDirectory.isEmpty(reportDirectory) {
            guard request.force else {
                throw .input(
                    "report directory \(reportDirectory) is not empty (a task \(taskId) already exists? "
                        + "--force replaces it)")
            }
            do {
                try OutputDirectory.clear(reportDirectory, owned: isRecordEntry)
            } catch {
                throw .input(error.description)
            }
        }
        return Plan(
            taskId: taskId, now: request.now ?? AuditTime.current(), target: target, mapping: canonicalMapping,
            actionsForCheck: actionsForCheck, findings: findings, usedDefinitions: used,
            reportDirectory: reportDirectory, auditTaskId: audit.taskId)
    }

    /// Copies the snapshot, runs the plan's executions on the copy, and writes the
    /// new snapshot and the task's records.
    static func execute(_ plan: Plan, request: MitigationRequest, snapshot: Snapshot) throws(MitigationRequestError)
        -> MitigationOutcome
    {
        let workspace: SnapshotWorkspace
        do {
            workspace = try SnapshotWorkspace(copying: snapshot, to: request.outputPath, replacing: request.force)
        } catch {
            throw .input(error.description)
        }
        let session = MitigationSession(taskId: plan.taskId, now: plan.now, workspace: workspace)
        var run = TaskRun(plan: plan)
        for finding in plan.findings { run.mitigate(finding, in: session) }
        let statistics = run.orderedStatistics()
        let records = TaskRecords(
            task: taskRecord(plan, statistics: statistics, failed: run.failed), executions: run.executions,
            script: RemediationScript.render(
                RemediationScript.Header(
                    taskId: plan.taskId, auditTaskId: plan.auditTaskId, accountId: snapshot.manifest.accountId,
                    region: snapshot.manifest.region),
                entries: run.scriptEntries),
            outbox: session.outbox)
        try records.write(into: plan.reportDirectory, committing: workspace)
        return MitigationOutcome(
            taskId: plan.taskId, failed: run.failed, executions: run.executions, statistics: statistics,
            outputPath: request.outputPath, reportDirectory: plan.reportDirectory, publishedCount: session.outbox.count,
            findings: plan.findings, auditTaskId: plan.auditTaskId)
    }

    /// `mitigation-task.json`: the task as `describe-audit-mitigation-actions-task` prints it.
    static func taskRecord(
        _ plan: Plan, statistics: [(check: String, statistics: MitigationCheckStatistics)], failed: Bool
    ) -> JSONValue {
        .object(
            JSONObject([
                ("taskId", .string(plan.taskId)),
                ("taskStatus", .string(failed ? "FAILED" : "COMPLETED")),
                ("startTime", .string(plan.now.iso8601)),
                ("endTime", .string(plan.now.iso8601)),
                ("taskStatistics", .object(JSONObject(statistics.map { ($0.check, $0.statistics.json) }))),
                ("target", plan.target.json),
                (
                    "auditCheckToActionsMapping",
                    .object(
                        JSONObject(plan.mapping.map { ($0.check, JSONValue.array($0.actions.map { .string($0) })) }))
                ),
                ("actionsDefinition", .array(plan.usedDefinitions.map(\.json))),
            ]))
    }

    /// The actions file's elements by `actionName` (validated when the mapping uses them).
    static func loadActions(_ source: MitigationActionsSource, snapshot: Snapshot) throws(MitigationRequestError)
        -> [String: JSONValue]
    {
        let object: JSONObject
        if case .inline(let json) = source {
            guard let inline = json.objectValue else {
                throw .usage("--actions must be a JSON object with a 'mitigationActions' array")
            }
            object = inline
        } else {
            do {
                if case .file(let path) = source {
                    object = try Snapshot.readObject(at: path, as: .mitigationActions)
                } else {
                    object = try snapshot.readObject(.mitigationActions)
                }
            } catch {
                throw .input("mitigation actions: \(error.description)")
            }
        }
        guard let list = object["mitigationActions"]?.arrayValue else {
            throw .input("mitigation actions: no 'mitigationActions' array")
        }
        var definitions: [String: JSONValue] = [:]
        for element in list {
            if let name = element["actionName"]?.stringValue { definitions[name] = element }
        }
        return definitions
    }

    /// Refuses an audit made from other data than `snapshot`: the files its checks
    /// read must hash to the digest it recorded (docs/mitigation.md).
    static func verifySnapshot(_ audit: AuditRecord, snapshot: Snapshot, checks known: [any AuditCheck.Type])
        throws(MitigationRequestError)
    {
        let taskFile = audit.directory + "/audit-task.json"
        guard let recorded = audit.snapshotDigest else {
            throw .input(
                "\(taskFile) records no snapshotDigest, so nothing shows it was made from this snapshot "
                    + "(written by an older fleet-audit?); run the audit again")
        }
        var checks: [any AuditCheck.Type] = []
        for name in audit.checkNames {
            guard let check = CheckName(named: name).flatMap({ name in known.first { $0.description.check == name } })
            else {
                throw .input("\(taskFile) names check \(name), which this fleet-audit does not know")
            }
            checks.append(check)
        }
        let current = SnapshotDigest.compute(snapshot, checks: checks)
        guard current == recorded else {
            func describe(_ digest: SnapshotDigest) -> String {
                "SHA-256 \(digest.sha256.prefix(16))… over \(digest.fileCount) file(s), \(digest.byteCount) bytes"
            }
            throw .input(
                "audit \(audit.taskId) in \(audit.directory) was not made from \(snapshot.directory): the files it "
                    + "read had \(describe(recorded)); here they have \(describe(current)). Run the audit again on "
                    + "this snapshot")
        }
    }

    /// "no mitigation action named 'X'", with the closest defined name, or the
    /// defined names when there are few enough to read on one line.
    static func unknownAction(_ name: String, defined: some Collection<String>) -> String {
        let escaped = TerminalText.escape(name, limit: 128)
        if let close = ClosestName.suggestion(for: name, among: Array(defined)) {
            return "no mitigation action named '\(escaped)'; did you mean \(close)?"
        }
        if defined.count <= 8 {
            return "no mitigation action named '\(escaped)' (defined: \(defined.sorted().joined(separator: ", ")))"
        }
        return "no mitigation action named '\(escaped)' (the actions file defines \(defined.count))"
    }

    static func parseMapping(_ json: JSONValue) throws(MitigationRequestError) -> [(String, [String])] {
        guard let object = json.objectValue, !object.isEmpty else {
            throw .usage("--audit-check-to-actions-mapping must be an object of check name → action names")
        }
        var mapping: [(String, [String])] = []
        for (check, names) in object.members {
            guard let list = names.arrayValue, (1...5).contains(list.count), list.allSatisfy({ $0.stringValue != nil })
            else { throw .usage("--audit-check-to-actions-mapping.\(check) must list 1 to 5 action names") }
            mapping.append((check, list.compactMap(\.stringValue)))
        }
        return mapping
    }

    /// What a task writes in its records directory (for `--force`).
    static func isRecordEntry(_ name: String) -> Bool {
        ["mitigation-task.json", "executions.json", "sns-outbox.jsonl", RemediationScript.fileName].contains(name)
            || OutputDirectory.isTemporaryName(name)
    }

    static func validateOutput(_ output: String, input: String, force: Bool = false) throws(MitigationRequestError) {
        if let refusal = OutputLocation.refusal(output, option: "--out", snapshot: input) { throw .usage(refusal) }
        let inputReal = FileSystem.realPath(input)
        if let outputReal = FileSystem.realPath(output) {
            if outputReal == inputReal { throw .usage("--out must not be the input snapshot") }
            if !OutputDirectory.isEmpty(output) {
                // --force replaces a previous new snapshot (it has a manifest), never other files.
                guard force else {
                    throw .usage(
                        OutputLocation.nonEmptyRefusal(output, option: "--out", force: false)
                            ?? "--out \(output) is not empty")
                }
                guard FileSystem.exists(output + "/" + SnapshotFile.manifest.jsonName) else {
                    throw .usage(
                        "--out \(output) is not empty and holds no snapshot (no manifest.json); --force only "
                            + "replaces a previous output")
                }
            }
        }
        // A new directory inside the input would change the input.
        let trimmed = output.hasSuffix("/") ? String(output.dropLast()) : output
        let parent = trimmed.lastIndex(of: "/").map { String(trimmed[..<$0]) } ?? "."
        if let parentReal = FileSystem.realPath(parent.isEmpty ? "/" : parent), let inputReal,
            parentReal == inputReal || parentReal.hasPrefix(inputReal + "/")
        {
            throw .usage("--out must not be inside the input snapshot")
        }
    }

}

extension AuditTime {
    /// The wall clock, for tasks run without `--now`.
    public static func current() -> AuditTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return AuditTime(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }
}
