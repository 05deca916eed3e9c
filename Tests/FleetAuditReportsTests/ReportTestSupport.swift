import FleetAuditBase
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditReports
import FleetAuditTestSupport
import Testing

/// The workshop snapshot audited with `formats`, every check, pinned task and time.
struct WorkshopAudit {
    let out = TemporaryDirectory(prefix: "fleet-audit-reports")
    /// The suppressions file, outside `out` (which must hold only what the audit writes).
    let inputs = TemporaryDirectory(prefix: "fleet-audit-reports-inputs")
    let report: AuditReport

    init(formats: String, suppressions: String? = nil) throws {
        var options = AuditOptions(
            snapshotPath: workshopSnapshot, outputPath: out.path, taskId: "workshop-reports", workers: 2)
        options.formats = formats
        if let suppressions {
            options.suppressionsPath = inputs.write("suppressions.json", suppressions)
        }
        report = try AuditCommandRunner.run(options)
    }

    func text(_ name: String) -> String { String(decoding: out.read(name), as: UTF8.self) }

    func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(out.read(name)).get()
    }

    /// findings.json's findings, decoded.
    func findings() throws -> [ReportFinding] {
        var all: [ReportFinding] = []
        try ReportGenerator.forEachFinding(in: out.file("findings.json")) { all.append($0) }
        return all
    }

    func context() throws -> ReportContext { try ReportContext.load(auditDirectory: out.path) }
}

/// A findings.json element as the audit writes it, for findings the workshop does not produce.
func findingJSON(
    check: String = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", severity: String = "CRITICAL",
    policyName: String = "P", reason: String = "Policy allows broad access to IoT data plane actions.",
    suppressed: Bool = false, related: [JSONValue] = []
) -> JSONValue {
    [
        "findingId": "3c2b1f5e-8a4d-5e6f-9a0b-1c2d3e4f5a6b", "taskId": "t1", "checkName": .string(check),
        "taskStartTime": "2026-11-26T08:00:00.000000+00:00", "findingTime": "2026-11-26T08:00:00.000000+00:00",
        "severity": .string(severity),
        "nonCompliantResource": [
            "resourceType": "IOT_POLICY",
            "resourceIdentifier": [
                "policyVersionIdentifier": ["policyName": .string(policyName), "policyVersionId": "1"]
            ],
        ],
        "relatedResources": .array(related), "reasonForNonCompliance": .string(reason),
        "reasonForNonComplianceCode": "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
        "isSuppressed": .bool(suppressed),
    ]
}

/// An ISO 8601 time written in a test (the epoch if it does not parse, which the test then shows).
func time(_ text: String) -> AuditTime { AuditTime(iso8601: text) ?? AuditTime(microsecondsSinceEpoch: 0) }

let testContext = ReportContext(
    source: AuditSource(
        taskId: "t1", accountId: "123456789012", region: "us-east-1", snapshotExportedAt: time("2026-11-26T08:00:00Z"),
        auditTime: time("2026-11-26T08:00:00Z")),
    taskStartTime: time("2026-11-26T08:00:00Z"), checkRuns: [])
