import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// A resource check used only to exercise the executor: a policy version is
/// non-compliant when its document allows the action "*". It declares a
/// compact fact (the set of attached policy names) to exercise fact gathering.
/// It borrows the name of the policy check it imitates (check names are Defender's closed set).
struct StarActionTestCheck: ResourceCheck {
    static let description = CheckDescription(
        check: .iotPolicyOverlyPermissive, severity: .critical, resourceType: .iotPolicy, reasonCodes: ["STAR"],
        inputs: [.policies, .policyTargets], summary: "test", examples: [])
    static let resourceFile = SnapshotFile.policies

    struct Facts: Sendable { var attached: Set<String> }

    func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> Facts {
        guard case .success = context.snapshot.locate(.policyTargets) else { return Facts(attached: []) }
        let targets = try context.snapshot.readObject(.policyTargets)
        let names = targets["policyTargets"]?.arrayValue?.compactMap { $0["policyName"]?.stringValue } ?? []
        return Facts(attached: Set(names))
    }

    func evaluate(_ resource: JSONValue, facts: Facts, context: AuditContext) -> ResourceVerdict {
        guard let name = resource["policyName"]?.stringValue, let version = resource["policyVersionId"]?.stringValue
        else { return .notEvaluable("no policyName or policyVersionId") }
        guard let text = resource["policyDocument"]?.stringValue else {
            return .notEvaluable("no policyDocument string")
        }
        guard case .success(let document) = JSONParser.parse(text) else {
            return .notEvaluable("policyDocument is not JSON")
        }
        guard document["Statement"]?.arrayValue?.contains(where: { $0["Action"] == "*" }) == true else {
            return .compliant
        }
        let info = facts.attached.contains(name) ? [("ATTACHED", "true")] : []
        return .nonCompliant([
            FindingDraft(
                resource: AuditResource(
                    .iotPolicy, .policyVersion(policyName: name, policyVersionId: version), additionalInfo: info),
                reasonCode: "STAR", reason: "allows *")
        ])
    }
}

func policyVersion(_ name: String, version: String = "1", action: String = "iot:Connect") -> String {
    let document =
        #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"\#(action)\",\"Resource\":\"*\"}]}"#
    return
        #"{"policyName": "\#(name)", "policyVersionId": "\#(version)", "isDefaultVersion": true, "policyDocument": "\#(document)"}"#
}

/// `count` policy versions, every seventh allowing "*", one malformed element, one missing its document.
func generatedPolicies(_ count: Int) -> [String] {
    (0..<count).map { index in
        if index == 5 { return #"{"policyName": "broken", "policyName": "twice"}"# }
        if index == 9 { return #"{"policyName": "nodoc", "policyVersionId": "1"}"# }
        return policyVersion("p\(index)", action: index % 7 == 0 ? "*" : "iot:Publish")
    }
}

@Suite struct AuditExecutorTests {
    let check: [any AuditCheck.Type] = [StarActionTestCheck.self]

    @Test func findingsAreInInputOrderWithNotEvaluableResourcesNamed() throws {
        let elements = [
            policyVersion("first", action: "*"), policyVersion("scoped"),
            #"{"policyName": "broken", "policyName": "twice"}"#, policyVersion("last", version: "3", action: "*"),
        ]
        let body = #"{"policyVersions": ["# + elements.joined(separator: ", ") + "]}"
        let snapshot = TemporarySnapshot([
            "policies.json": body,
            "policy-targets.json": #"{"policyTargets": [{"policyName": "last", "targets": []}]}"#,
        ])
        let (outcome, _) = try runAudit(snapshot, checks: check)
        let result = try #require(outcome.checks.first)
        #expect(result.details.checkRunStatus == .completedNonCompliant)
        #expect(result.details.totalResourcesCount == 4)
        #expect(result.details.nonCompliantResourcesCount == 2)
        #expect(
            result.preview.map(\.nonCompliantResource)
                == [
                    AuditResource(.iotPolicy, .policyVersion(policyName: "first", policyVersionId: "1")),
                    AuditResource(
                        .iotPolicy, .policyVersion(policyName: "last", policyVersionId: "3"),
                        additionalInfo: [("ATTACHED", "true")]),
                ])
        let offset = Int64(body.utf8.count - elements[3].utf8.count - elements[2].utf8.count - 4)
        let problem = SnapshotProblem(
            file: "policies.json", elementIndex: 2, byteOffset: offset,
            reason: "not valid JSON at byte \(offset + 37): duplicate object key")
        #expect(result.problems == [problem])
        #expect(result.details.message == "1 of 4 resources not evaluable: \(problem)")
    }

    @Test func aTruncatedFileFailsTheCheckAndKeepsNoFindings() throws {
        let snapshot = TemporarySnapshot([
            "policies.json": #"{"policyVersions": ["# + policyVersion("a", action: "*") + ", {"
        ])
        let (outcome, output) = try runAudit(snapshot, checks: check)
        let result = try #require(outcome.checks.first)
        #expect(result.details.checkRunStatus == .failed)
        #expect(result.details.message?.hasPrefix("policies.json: element 1 (byte ") == true)
        #expect(result.details.message?.hasSuffix("): file ends inside this element (truncated)") == true)
        #expect(outcome.findingsCount == 0)
        #expect(String(decoding: output.read("findings.json"), as: UTF8.self) == "{\n    \"findings\": []\n}\n")
        #expect(outcome.task.failedChecks == 1)
    }

    @Test func anObjectWhereTheArrayShouldBeFailsTheCheck() throws {
        let snapshot = TemporarySnapshot(["policies.json": #"{"policyVersions": {"policyName": "x"}}"#])
        let (outcome, _) = try runAudit(snapshot, checks: check)
        #expect(
            outcome.checks.first?.details.message
                == "policies.json: byte 19: 'policyVersions' is an object; expected an array")
    }

    @Test func aFileWithoutTheArrayFailsTheCheck() throws {
        let snapshot = TemporarySnapshot(["policies.json": #"{"policies": []}"#])
        let (outcome, _) = try runAudit(snapshot, checks: check)
        #expect(outcome.checks.first?.details.message == "policies.json: no 'policyVersions' array in the file")
    }

    @Test func anElementOfTheWrongTypeIsNotEvaluable() throws {
        let snapshot = TemporarySnapshot(["policies.json": #"{"policyVersions": [["not", "an", "object"]]}"#])
        let (outcome, _) = try runAudit(snapshot, checks: check)
        let result = try #require(outcome.checks.first)
        // Its only resource could not be evaluated: the check judged nothing, so it FAILS.
        #expect(result.details.checkRunStatus == .failed)
        #expect(
            result.details.message
                == "none of the resources could be evaluated: 1 of 1 resources not evaluable: policies.json: element 0 "
                + "(byte 20): no policyName or policyVersionId"
        )
    }

    @Test func aMissingInputFailsOnlyTheChecksThatReadIt() throws {
        let snapshot = TemporarySnapshot([:])
        let (outcome, _) = try runAudit(snapshot, checks: check)
        #expect(outcome.checks.first?.details.message == "policies.json: file not found in the snapshot")
    }

    @Test func aFactFileThatCannotBeReadFailsTheCheck() throws {
        let snapshot = TemporarySnapshot([
            "policies.json": #"{"policyVersions": []}"#, "policy-targets.json": "[]",
        ])
        let (outcome, _) = try runAudit(snapshot, checks: check)
        #expect(
            outcome.checks.first?.details.message
                == "policy-targets.json: byte 0: top-level value is an array; expected an object whose members are arrays"
        )
    }

    @Test func jsonAndJSONLinesFormsGiveTheSameOutput() throws {
        let elements = generatedPolicies(40)
        let objectForm = TemporarySnapshot([
            "policies.json": #"{"policyVersions": ["# + elements.joined(separator: ",\n") + "]}"
        ])
        let linesForm = TemporarySnapshot(["policies.jsonl": elements.joined(separator: "\n") + "\n"])
        let (objectOutcome, objectOutput) = try runAudit(objectForm, checks: check)
        let (linesOutcome, linesOutput) = try runAudit(linesForm, checks: check)
        #expect(objectOutput.read("findings.json") == linesOutput.read("findings.json"))
        #expect(objectOutcome.checks.first?.details.nonCompliantResourcesCount == 6)
        #expect(linesOutcome.checks.first?.problems.map(\.elementIndex) == [5, 9])
        #expect(linesOutcome.checks.first?.problems.map(\.file) == ["policies.jsonl", "policies.jsonl"])
    }

    @Test(arguments: [2, 3, 8])
    func outputIsByteIdenticalForAnyWorkerCount(workers: Int) throws {
        // Enough elements for several waves of every worker count.
        let elements = generatedPolicies(6000)
        let snapshot = TemporarySnapshot([
            "policies.json": #"{"policyVersions": ["# + elements.joined(separator: ",") + "]}"
        ])
        let (single, singleOutput) = try runAudit(snapshot, checks: check, workers: 1)
        let (parallel, parallelOutput) = try runAudit(snapshot, checks: check, workers: workers)
        #expect(single.findingsCount == 858)
        #expect(parallel.findingsCount == single.findingsCount)
        #expect(singleOutput.read("findings.json") == parallelOutput.read("findings.json"))
        #expect(singleOutput.read("audit-task.json") == parallelOutput.read("audit-task.json"))
    }

    @Test func findingIdsAreDerivedUUIDs() {
        let id = FindingIdentity.findingId(
            taskId: "t1", checkName: "LOGGING_DISABLED_CHECK", resource: .account("123456789012"),
            reasonCode: "LOGGING_DISABLED")
        #expect(id.count == 36)
        #expect(Array(id)[14] == "5")
        #expect("89ab".contains(Array(id)[19]))
        #expect(
            id
                == FindingIdentity.findingId(
                    taskId: "t1", checkName: "LOGGING_DISABLED_CHECK", resource: .account("123456789012"),
                    reasonCode: "LOGGING_DISABLED"))
        #expect(
            id
                != FindingIdentity.findingId(
                    taskId: "t2", checkName: "LOGGING_DISABLED_CHECK", resource: .account("123456789012"),
                    reasonCode: "LOGGING_DISABLED"))
        // Pinned to Python's uuid.uuid5 in the same namespace (RFC 9562 version 5).
        #expect(FindingIdentity.uuidV5(name: "device-1") == "5e8bc6f0-a844-5bbe-99f5-44be0905f550")
        #expect(FindingIdentity.uuidV5(name: "") == "c816fbdd-343f-5c76-85e6-3da8e0b76495")
        let taskId = FindingIdentity.randomTaskId()
        #expect(taskId.count == 32)
        #expect(taskId.allSatisfy { "0123456789abcdef".contains($0) })
    }
}
