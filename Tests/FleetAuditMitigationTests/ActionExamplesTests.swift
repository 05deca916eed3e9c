import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

/// One example of one registered action type.
struct ActionExampleCase: Sendable, CustomTestStringConvertible {
    var action: any MitigationActionType.Type
    var example: MitigationExample

    var testDescription: String { "\(action.typeName): \(example.name)" }

    /// Where the example is written, so a failure points at it rather than at this test.
    var location: SourceLocation {
        let file = example.filePath.split(separator: "/").last.map(String.init) ?? example.filePath
        return SourceLocation(
            fileID: "FleetAuditMitigation/" + file, filePath: example.filePath, line: example.line, column: 1)
    }
}

let actionExampleCases = MitigationActionRegistry.all.flatMap { action in
    action.description.examples.map { ActionExampleCase(action: action, example: $0) }
}

/// Audits the example's snapshot with its check, applies the action to the example's finding
/// with `mitigate`, compares the new snapshot with the example's after snapshot, and audits the
/// new snapshot again.
///
/// Files the example lists after are compared as parsed JSON (each line of a `.jsonl`), member
/// order included: the examples say what an action means, and a rewritten element is pretty-printed
/// by the workspace whatever the input's layout. That the splice keeps every other byte is
/// `SnapshotWorkspaceTests`' and `HostileCopyTests`' subject; here every file the example does not
/// list must keep its bytes exactly.
@Test(arguments: actionExampleCases)
func registeredActionExample(_ testCase: ActionExampleCase) throws {
    let example = testCase.example
    let location = testCase.location
    var files = example.before
    if files["mitigation-actions.json"] == nil {
        files["mitigation-actions.json"] = exampleActionsFile(testCase.action, params: example.params)
    }
    let snapshot = TemporarySnapshot(files)
    let audit = TemporaryDirectory(prefix: "fleet-audit-example-audit")
    try auditForExample(snapshot.path, check: example.check, into: audit.path)
    let findings = try AuditRecord.load(audit.path).findings
    let finding = try #require(
        findings.first { matches($0, example.finding) },
        "the \(example.check.rawValue) audit of the example reports no \(example.finding); it reports \(findings.map { "\($0.reasonCode) \($0.resourceText)" })",
        sourceLocation: location)

    let scratch = TemporaryDirectory(prefix: "fleet-audit-example-mitigated")
    let newSnapshot = scratch.path + "/new-snapshot"
    let outcome = try MitigationExecutor.run(
        MitigationRequest(
            snapshotPath: snapshot.path, auditDirectory: audit.path,
            target: ["findingIds": [.string(finding.findingId)]],
            mapping: [example.check.rawValue: ["ExampleAction"]], outputPath: newSnapshot,
            reportDirectory: scratch.path + "/report", taskId: MitigationExample.taskId,
            now: MitigationExample.taskTime, checks: CheckRegistry.all),
        snapshot: try snapshot.open())
    let execution = try #require(outcome.executions.first, sourceLocation: location)
    #expect(outcome.executions.count == 1, sourceLocation: location)

    let expectedAfter: [String: String]
    let findingStays: Bool
    switch example.outcome {
    case .completed(let after, let reaudit):
        #expect(
            execution.status == ActionExecution.Status.completed,
            "\(execution.errorCode ?? "") \(execution.message ?? "")",
            sourceLocation: location)
        expectedAfter = after
        findingStays = reaudit == .findingStays
    case .failed(let errorCode, let message):
        #expect(execution.status == ActionExecution.Status.failed, sourceLocation: location)
        #expect(execution.errorCode == errorCode, sourceLocation: location)
        #expect(execution.message == message, sourceLocation: location)
        expectedAfter = [:]
        findingStays = true
    }
    try expectSnapshot(newSnapshot, before: snapshot.path, after: expectedAfter, at: location)
    #expect(try publishedTopics(scratch.path + "/report") == example.published, sourceLocation: location)

    let reaudit = TemporaryDirectory(prefix: "fleet-audit-example-reaudit")
    try auditForExample(newSnapshot, check: example.check, into: reaudit.path)
    let stays = try AuditRecord.load(reaudit.path).findings.contains { matches($0, example.finding) }
    #expect(stays == findingStays, "the finding \(stays ? "stays" : "is gone") on a re-audit", sourceLocation: location)
}

@Test func everyActionTypeHasACompletedExample() {
    for action in MitigationActionRegistry.all {
        let completed = action.description.examples.filter {
            if case .completed = $0.outcome { return true }
            return false
        }
        #expect(!completed.isEmpty, "\(action.typeName) has no example that completes")
        for example in action.description.examples {
            let mayMitigate = action.applicableChecks?.contains(example.check) ?? true
            #expect(mayMitigate, "\(action.typeName): example '\(example.name)' uses \(example.check.rawValue)")
        }
    }
}

@Test func examplesRunAtTheDocumentedTaskTime() {
    #expect(MitigationExample.taskTime == AuditTime(iso8601: "2026-11-27T09:30:00Z"))
}

@Test func registryTypeNamesAreTheAPIsAndUnique() {
    let names = MitigationActionRegistry.all.map { $0.typeName }
    #expect(Set(names).count == names.count)
    #expect(Set(names) == MitigationActionRegistry.apiTypeNames)
}

/// Every type in `Sources/FleetAuditMitigation` that conforms to `MitigationActionType` is in the
/// registry, so an action written but not registered (hence never run by `mitigate` nor by the
/// examples test) fails here.
@Test func everyActionTypeInTheSourcesIsRegistered() throws {
    let declared = try SourceDeclarations.types(
        conformingTo: ["MitigationActionType"], inModule: "FleetAuditMitigation")
    #expect(declared.count >= 6, "the scan found \(declared.sorted())")
    let registered = Set(MitigationActionRegistry.all.map { String(describing: $0) })
    #expect(declared == registered)
}

/// `mitigation-actions.json` defining ExampleAction: `action` with `params`.
func exampleActionsFile(_ action: any MitigationActionType.Type, params: String) -> String {
    #"{"mitigationActions": [{"actionName": "ExampleAction", "actionType": "\#(action.typeName)", "#
        + #""roleArn": "arn:aws:iam::123456789012:role/ExampleMitigationRole", "#
        + #""actionParams": {"\#(action.paramsMember)": \#(params)}}]}"#
}

/// Audits `snapshot` with `check` only, the way `fleet-audit audit --checks` does.
func auditForExample(_ snapshot: String, check: CheckName, into output: String) throws {
    let report = try AuditCommandRunner.run(
        AuditOptions(
            snapshotPath: snapshot, outputPath: output, checkNames: [check.rawValue], taskId: "example-audit",
            workers: 1))
    #expect(report.exitStatus != 2, "\(report.errorLines)")
}

func matches(_ finding: AuditedFinding, _ expected: ExpectedFinding) -> Bool {
    guard finding.reasonCode == expected.reasonCode,
        let identifier = finding.nonCompliantResource?["resourceIdentifier"]
    else { return false }
    return ResourceIdentifier(json: identifier) == expected.resource
}

/// The new snapshot holds the input's files plus those `after` creates; those `after` lists read
/// as it says (parsed), every other file is byte for byte the input's.
func expectSnapshot(_ path: String, before: String, after: [String: String], at location: SourceLocation) throws {
    let input = tree(before)
    let output = tree(path)
    #expect(Set(output.keys) == Set(input.keys).union(after.keys), sourceLocation: location)
    for (name, bytes) in input where after[name] == nil {
        #expect(output[name] == bytes, "\(name) changed", sourceLocation: location)
    }
    for (name, text) in after {
        let actual = String(decoding: output[name] ?? [], as: UTF8.self)
        #expect(try parsedJSON(actual, name: name) == parsedJSON(text, name: name), "\(name)", sourceLocation: location)
    }
}

/// A `.json` file as one value, a `.jsonl` file as the array of its lines.
func parsedJSON(_ text: String, name: String) throws -> JSONValue {
    guard name.hasSuffix(".jsonl") else { return try JSONParser.parse(text).get() }
    return .array(try text.split(separator: "\n").map { try JSONParser.parse(String($0)).get() })
}

/// The `TopicArn` of each notification in the task's `sns-outbox.jsonl`.
func publishedTopics(_ reportDirectory: String) throws -> [String] {
    let text = String(decoding: TemporaryDirectory.readFile(reportDirectory + "/sns-outbox.jsonl"), as: UTF8.self)
    return try text.split(separator: "\n").map { line in
        let record = try JSONParser.parse(String(line)).get()
        return record["Records"]?.arrayValue?.first?["Sns"]?["TopicArn"]?.stringValue ?? "(no TopicArn)"
    }
}
