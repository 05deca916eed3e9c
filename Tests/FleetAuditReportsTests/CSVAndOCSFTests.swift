import FleetAuditCore
import FleetAuditJSON
import FleetAuditReports
import Testing

/// RFC 4180 records of `text` (quoted fields, doubled quotes, CRLF), for checking the writer from the reader's side.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var scalars = Array(text.unicodeScalars)[...]
    while let scalar = scalars.popFirst() {
        if quoted {
            if scalar == "\"" {
                if scalars.first == "\"" {
                    field.unicodeScalars.append("\"")
                    scalars.removeFirst()
                } else {
                    quoted = false
                }
            } else {
                field.unicodeScalars.append(scalar)
            }
        } else if scalar == "\"" {
            quoted = true
        } else if scalar == "," {
            record.append(field)
            field = ""
        } else if scalar == "\r", scalars.first == "\n" {
            scalars.removeFirst()
            record.append(field)
            records.append(record)
            record = []
            field = ""
        } else {
            field.unicodeScalars.append(scalar)
        }
    }
    return records
}

@Suite struct CSVFindingsTests {
    @Test func fieldsAreQuotedAsRFC4180Requires() {
        #expect(CSVFindings.field("plain") == "plain")
        #expect(CSVFindings.field("a,b") == "\"a,b\"")
        #expect(CSVFindings.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVFindings.field("line\nbreak") == "\"line\nbreak\"")
        #expect(CSVFindings.field("carriage\rreturn") == "\"carriage\rreturn\"")
        #expect(CSVFindings.field("") == "")
        #expect(CSVFindings.line(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }

    /// A cell a spreadsheet would evaluate starts with a quote mark instead.
    @Test func formulaInjectionIsNeutralised() {
        #expect(CSVFindings.field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSVFindings.field("+1") == "'+1")
        #expect(CSVFindings.field("-2+3") == "'-2+3")
        #expect(CSVFindings.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVFindings.field("\tx") == "'\tx")
        #expect(CSVFindings.field("a=b") == "a=b")
    }

    /// Every finding is one record; parsed back, each record holds the finding's values.
    @Test func workshopCSVRoundTrips() throws {
        let audit = try WorkshopAudit(formats: "csv")
        let text = audit.text("findings.csv")
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacing("\r\n", with: "").contains("\n"))
        let records = parseCSV(text)
        let findings = try audit.findings()
        #expect(records.count == findings.count + 1)
        #expect(records.first == CSVFindings.header)
        for (record, finding) in zip(records.dropFirst(), findings) {
            #expect(record.count == CSVFindings.header.count)
            #expect(record[0] == "123456789012")
            #expect(record[3] == finding.findingId)
            #expect(record[4] == finding.checkName)
            #expect(record[5] == finding.severity.rawValue)
            #expect(record[7] == finding.resource.identifierText)
            #expect(record[9] == finding.reason)
        }
        let policy = try #require(records.first { $0[4] == "IOT_POLICY_OVERLY_PERMISSIVE_CHECK" })
        #expect(policy[6] == "IOT_POLICY")
        #expect(policy[7] == "policyName=TECHCON703_amazon_freertos_policy policyVersionId=1")
        #expect(policy[8] == "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS")
        #expect(policy[10] == "false")
    }

    @Test func hostileValuesSurviveAsOneField() throws {
        let finding = try ReportFinding(json: findingJSON(policyName: "=cmd|'/C calc'!A0", reason: "=1+1,\"b\"\r\nc"))
        let line = CSVFindings.line(CSVFindings.row(finding, context: testContext))
        let records = parseCSV(line)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record[7] == "policyName==cmd|'/C calc'!A0 policyVersionId=1")
        #expect(record[9] == "'=1+1,\"b\"\r\nc")
    }
}

/// What OCSF 1.3.0 requires of a Compliance Finding (class 2003): the base event's
/// required attributes, the finding's, the class's `compliance` with its
/// `standards`, and the metadata's `product` and `version`.
func ocsfViolations(_ event: JSONValue) -> [String] {
    var problems: [String] = []
    for key in ["activity_id", "category_uid", "class_uid", "severity_id", "time", "type_uid"]
    where event[key].map({ if case .integer = $0 { return false } else { return true } }) ?? true {
        problems.append("\(key) missing or not an integer")
    }
    if event["class_uid"] != .integer(2003) { problems.append("class_uid is not 2003") }
    if event["category_uid"] != .integer(2) { problems.append("category_uid is not 2") }
    if event["type_uid"] != .integer(200_301) { problems.append("type_uid is not 200301") }
    if event["finding_info"]?["uid"]?.stringValue == nil { problems.append("finding_info.uid missing") }
    if event["finding_info"]?["title"]?.stringValue == nil { problems.append("finding_info.title missing") }
    if (event["compliance"]?["standards"]?.arrayValue ?? []).isEmpty { problems.append("compliance.standards missing") }
    if event["metadata"]?["product"]?.objectValue == nil { problems.append("metadata.product missing") }
    if event["metadata"]?["version"]?.stringValue != "1.3.0" { problems.append("metadata.version is not 1.3.0") }
    if case .integer(let severity) = event["severity_id"], !(1...6).contains(severity) {
        problems.append("severity_id out of range")
    }
    if event["cloud"]?["provider"]?.stringValue == nil { problems.append("cloud.provider missing (cloud profile)") }
    return problems
}

@Suite struct OCSFFindingTests {
    @Test func workshopFindingsAreComplianceFindings() throws {
        let audit = try WorkshopAudit(formats: "ocsf")
        let findings = try audit.findings()
        let events = try #require(try audit.json("findings.ocsf.json").arrayValue)
        #expect(events.count == findings.count)
        for (event, finding) in zip(events, findings) {
            #expect(ocsfViolations(event) == [], "\(finding.checkName)")
            #expect(event["metadata"]?["event_code"]?.stringValue == finding.checkName)
            #expect(event["message"]?.stringValue == finding.reason)
            #expect(event["status_code"] == "FAIL")
            #expect(event["unmapped"]?["defender_finding_id"]?.stringValue == finding.findingId)
        }
        let policy = try #require(
            events.first { $0["metadata"]?["event_code"] == "IOT_POLICY_OVERLY_PERMISSIVE_CHECK" })
        #expect(policy["severity_id"] == 5)
        #expect(policy["severity"] == "Critical")
        #expect(policy["status"] == "New")
        #expect(policy["status_id"] == 1)
        #expect(policy["time"] == .integer(1_795_680_000_000))
        #expect(policy["time_dt"] == "2026-11-26T08:00:00.000Z")
        #expect(
            policy["compliance"]
                == [
                    "standards": ["AWS IoT Device Defender audit"],
                    "requirements": ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"],
                    "control": "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "status": "Fail", "status_id": 3,
                    "checks": [
                        [
                            "uid": "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "name": "IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
                            "desc":
                                "An IoT policy lets a device reach other devices' clients, topics, shadows or jobs.",
                            "status": "FAIL", "status_id": 3,
                        ]
                    ],
                ])
        let resource = try #require(policy["resources"]?.arrayValue?.first)
        #expect(resource["uid"] == "arn:aws:iot:us-east-1:123456789012:policy/TECHCON703_amazon_freertos_policy")
        #expect(resource["name"] == "TECHCON703_amazon_freertos_policy")
        #expect(resource["type"] == "IOT_POLICY")
        #expect(resource["group"] == ["name": "iot"])
        let pool = try #require(
            events.first { $0["resources"]?.arrayValue?.first?["type"] == "COGNITO_IDENTITY_POOL" })
        #expect(pool["resources"]?.arrayValue?.first?["group"] == ["name": "cognito-identity"])
        #expect(policy["cloud"]?["account"]?["uid"] == "123456789012")
    }

    @Test func suppressedFindingHasSuppressedStatus() throws {
        let event = OCSFFinding.event(try ReportFinding(json: findingJSON(suppressed: true)), context: testContext)
        #expect(ocsfViolations(event) == [])
        #expect(event["status"] == "Suppressed")
        #expect(event["status_id"] == 3)
    }

    @Test func validatorRejectsAnEventWithoutCompliance() throws {
        guard case .object(var event) = OCSFFinding.event(try ReportFinding(json: findingJSON()), context: testContext)
        else { throw ValidatorTestError.notAnObject }
        event["compliance"] = [:]
        event["class_uid"] = 2004
        #expect(ocsfViolations(.object(event)) == ["class_uid is not 2003", "compliance.standards missing"])
    }
}
