import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

@testable import FleetAuditChecks

/// The log-based checks reproduce the example findings AWS publishes: the AWS
/// CLI's `list-audit-findings` example 2 (three DEVICE_CERTIFICATE_SHARED_CHECK
/// findings of daily audits, June 2019) and the scenario of the Device Defender
/// page on conflicting MQTT client IDs. Each test holds the connection logs that
/// lead to the documented finding and compares the finding field by field.
@Suite struct DefenderDocumentedFindingsTests {
    /// The findings of the AWS CLI example, as printed there (epoch-second times of CLI v1).
    static let documentedSharedFindings = """
        [
          {"taskId": "eeef61068b0eb03c456d746c5a26ee04", "checkName": "DEVICE_CERTIFICATE_SHARED_CHECK",
           "taskStartTime": 1560161017.172, "findingTime": 1560161017.592, "severity": "CRITICAL",
           "nonCompliantResource": {"resourceType": "DEVICE_CERTIFICATE",
             "resourceIdentifier": {"deviceCertificateId": "b193ab7162c0fadca83246d24fa090300a1236fe58137e121b011804d8ac1d6b"}},
           "relatedResources": [
             {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "ZipxgAIl"},
              "additionalInfo": {"CONNECTION_TIME": "1560086374068"}},
             {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "ZipxgAIl"},
              "additionalInfo": {"CONNECTION_TIME": "1560081552187", "DISCONNECTION_TIME": "1560086371552"}},
             {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "ZipxgAIl"},
              "additionalInfo": {"CONNECTION_TIME": "1559289863631", "DISCONNECTION_TIME": "1560081532716"}}],
           "reasonForNonCompliance": "Certificate shared by one or more devices.",
           "reasonForNonComplianceCode": "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"},
          {"taskId": "bade6b5efd2e1b1569822f6021b39cf5", "checkName": "DEVICE_CERTIFICATE_SHARED_CHECK",
           "taskStartTime": 1559988217.27, "findingTime": 1559988217.655, "severity": "CRITICAL",
           "nonCompliantResource": {"resourceType": "DEVICE_CERTIFICATE",
             "resourceIdentifier": {"deviceCertificateId": "b193ab7162c0fadca83246d24fa090300a1236fe58137e121b011804d8ac1d6b"}},
           "relatedResources": [
             {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "xShGENLW"},
              "additionalInfo": {"CONNECTION_TIME": "1559972350825"}},
             {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "xShGENLW"},
              "additionalInfo": {"CONNECTION_TIME": "1559255062002", "DISCONNECTION_TIME": "1559972350616"}}],
           "reasonForNonCompliance": "Certificate shared by one or more devices.",
           "reasonForNonComplianceCode": "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"},
          {"taskId": "c23f6233ba2d35879c4bb2810fb5ffd6", "checkName": "DEVICE_CERTIFICATE_SHARED_CHECK",
           "taskStartTime": 1559901817.31, "findingTime": 1559901817.767, "severity": "CRITICAL",
           "nonCompliantResource": {"resourceType": "DEVICE_CERTIFICATE",
             "resourceIdentifier": {"deviceCertificateId": "b193ab7162c0fadca83246d24fa090300a1236fe58137e121b011804d8ac1d6b"}},
           "relatedResources": [
             {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "TvnQoEoU"},
              "additionalInfo": {"CONNECTION_TIME": "1559826729768"}},
             {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "TvnQoEoU"},
              "additionalInfo": {"CONNECTION_TIME": "1559345920964", "DISCONNECTION_TIME": "1559826728402"}}],
           "reasonForNonCompliance": "Certificate shared by one or more devices.",
           "reasonForNonComplianceCode": "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"}
        ]
        """

    static let sharedCertificate = "b193ab7162c0fadca83246d24fa090300a1236fe58137e121b011804d8ac1d6b"

    /// One connection as the broker logs it: Connect, and Disconnect when it ended.
    struct Connection {
        var client: String
        var principal: String
        var ip: String
        var port: Int64
        var connected: Int64
        var disconnected: Int64?
        var reason: String = "CLIENT_INITIATED_DISCONNECT"
    }

    /// `"2019-06-09 13:19:34.068"`: how CloudWatch prints an AWS IoT log entry's time (UTC).
    static func logTimestamp(_ milliseconds: Int64) -> String {
        let iso = AuditTime(millisecondsSinceEpoch: milliseconds).iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(12))
    }

    static func logLines(_ connections: [Connection]) -> String {
        var entries: [(Int64, JSONValue)] = []
        for connection in connections {
            func entry(_ type: String, _ time: Int64, reason: String?) -> JSONValue {
                ConnectionLogExamples.entry(
                    type, timestamp: logTimestamp(time), client: connection.client, principal: connection.principal,
                    ip: connection.ip, port: connection.port, reason: reason)
            }
            entries.append((connection.connected, entry("Connect", connection.connected, reason: nil)))
            if let end = connection.disconnected {
                entries.append((end, entry("Disconnect", end, reason: connection.reason)))
            }
        }
        // CloudWatch returns entries by time.
        return entries.sorted { $0.0 < $1.0 }.map { JSONWriter.compact($0.1) + "\n" }.joined()
    }

    static func certificates(_ id: String, status: String = "ACTIVE") -> String {
        #"{"certificateDescriptions": [{"certificateArn": "arn:aws:iot:us-east-1:123456789012:cert/\#(id)", "#
            + #""certificateId": "\#(id)", "status": "\#(status)"}]}"#
    }

    /// The findings.json of an audit of `files` at `now` with `check`.
    static func findings(_ files: [String: String], check: any AuditCheck.Type, now: AuditTime) throws -> [JSONValue] {
        let snapshot = TemporarySnapshot(files)
        let (outcome, output) = try runAudit(snapshot, checks: [check], now: now)
        #expect(outcome.checks.first?.details.checkRunStatus == .completedNonCompliant)
        let parsed = try JSONParser.parse(output.read("findings.json")).get()
        return try #require(parsed["findings"]?.arrayValue)
    }

    /// The connections behind each documented finding. The CLI shows only client IDs and
    /// times; what it leaves out is chosen here: each session but the last was ended by
    /// the broker with DUPLICATE_CLIENTID when the next connection with the same
    /// certificate took the client ID over (a new Connect logged 0.2 to 19.5 seconds after
    /// the Disconnect it caused). The sources differ in each case, to show they play no
    /// part: two addresses; one address behind NAT; two addresses again.
    static let documentedConnections: [[Connection]] = [
        [
            Connection(
                client: "ZipxgAIl", principal: sharedCertificate, ip: "198.51.100.23", port: 41_000,
                connected: 1_559_289_863_631, disconnected: 1_560_081_532_716, reason: "DUPLICATE_CLIENTID"),
            Connection(
                client: "ZipxgAIl", principal: sharedCertificate, ip: "203.0.113.77", port: 52_113,
                connected: 1_560_081_552_187, disconnected: 1_560_086_371_552, reason: "DUPLICATE_CLIENTID"),
            Connection(
                client: "ZipxgAIl", principal: sharedCertificate, ip: "198.51.100.23", port: 41_002,
                connected: 1_560_086_374_068, disconnected: nil),
        ],
        [
            Connection(
                client: "xShGENLW", principal: sharedCertificate, ip: "192.0.2.50", port: 30_001,
                connected: 1_559_255_062_002, disconnected: 1_559_972_350_616, reason: "DUPLICATE_CLIENTID"),
            Connection(
                client: "xShGENLW", principal: sharedCertificate, ip: "192.0.2.50", port: 30_877,
                connected: 1_559_972_350_825, disconnected: nil),
        ],
        [
            Connection(
                client: "TvnQoEoU", principal: sharedCertificate, ip: "198.51.100.40", port: 60_100,
                connected: 1_559_345_920_964, disconnected: 1_559_826_728_402, reason: "DUPLICATE_CLIENTID"),
            Connection(
                client: "TvnQoEoU", principal: sharedCertificate, ip: "203.0.113.9", port: 44_321,
                connected: 1_559_826_729_768, disconnected: nil),
        ],
    ]

    @Test(arguments: 0..<3) func sharedCertificateFindingsOfTheAWSCLIExample(_ index: Int) throws {
        let documented = try #require(try JSONParser.parse(Self.documentedSharedFindings).get().arrayValue)[index]
        let taskStart = try #require(documented["taskStartTime"].flatMap(AuditTime.init(json:)))
        let found = try Self.findings(
            [
                "certificates.json": Self.certificates(Self.sharedCertificate),
                "iot-logs/AWSIotLogsV2.jsonl": Self.logLines(Self.documentedConnections[index]),
            ],
            check: DeviceCertificateSharedCheck.self, now: taskStart)
        try #require(found.count == 1)
        let finding = found[0]
        for member in [
            "checkName", "severity", "nonCompliantResource", "relatedResources", "reasonForNonComplianceCode",
        ] {
            #expect(finding[member] == documented[member], "\(member)")
        }
        #expect(finding["taskStartTime"].flatMap(AuditTime.init(json:)) == taskStart)
        // The documented sentence, then what the logs showed.
        let reason = try #require(finding["reasonForNonCompliance"]?.stringValue)
        #expect(reason.hasPrefix("Certificate shared by one or more devices: the broker dropped its connection"))
    }

    @Test func theSameLogsWithoutTheTakeOverAreOneDeviceReconnecting() throws {
        // Back-to-back sessions that ended for another reason show no second connection.
        let reconnecting = Self.documentedConnections[1].map { connection -> Connection in
            var changed = connection
            changed.reason = "CONNECTION_LOST"
            return changed
        }
        let snapshot = TemporarySnapshot([
            "certificates.json": Self.certificates(Self.sharedCertificate),
            "iot-logs/AWSIotLogsV2.jsonl": Self.logLines(reconnecting),
        ])
        let (outcome, _) = try runAudit(
            snapshot, checks: [DeviceCertificateSharedCheck.self],
            now: AuditTime(millisecondsSinceEpoch: 1_559_988_217_270))
        let check = try #require(outcome.checks.first)
        #expect(check.details.checkRunStatus == .completedCompliant)
        #expect(check.details.totalResourcesCount == 1)
    }

    /// The conflicting-client-ID page: several connections used one client ID, each
    /// knocking the connected device off; the finding gives the client ID, the principal
    /// IDs and the disconnect times, newest first. Here two certificates behind one NAT
    /// address take `thermostat-42` from each other, each new Connect logged after the
    /// Disconnect it caused.
    @Test func conflictingClientIdFindingOfTheDeviceDefenderPage() throws {
        let a = CertificateFixtures.rsa2048.id
        let b = CertificateFixtures.ecP256.id
        let day: Int64 = 1_795_564_800_000  // 2026-11-25T00:00:00Z
        let connections = [
            Connection(
                client: "thermostat-42", principal: a, ip: "203.0.113.5", port: 40_001, connected: day + 3_600_000,
                disconnected: day + 7_200_000, reason: "DUPLICATE_CLIENTID"),
            Connection(
                client: "thermostat-42", principal: b, ip: "203.0.113.5", port: 40_002, connected: day + 7_200_350,
                disconnected: day + 7_260_000, reason: "DUPLICATE_CLIENTID"),
            Connection(
                client: "thermostat-42", principal: a, ip: "203.0.113.5", port: 40_003, connected: day + 7_261_204,
                disconnected: nil),
        ]
        let found = try Self.findings(
            ["iot-logs/AWSIotLogsV2.jsonl": Self.logLines(connections)], check: ConflictingClientIdsCheck.self,
            now: AuditTime(millisecondsSinceEpoch: day + 86_400_000))
        try #require(found.count == 1)
        let finding = found[0]
        let expected: JSONValue = [
            "resourceType": "CLIENT_ID", "resourceIdentifier": ["clientId": "thermostat-42"],
        ]
        #expect(finding["checkName"] == "CONFLICTING_CLIENT_IDS_CHECK")
        #expect(finding["severity"] == "HIGH")
        #expect(finding["reasonForNonComplianceCode"] == "DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS")
        #expect(finding["nonCompliantResource"] == expected)
        func related(_ principal: String, _ info: [(String, JSONValue)]) -> JSONValue {
            [
                "resourceType": "DEVICE_CERTIFICATE", "resourceIdentifier": ["deviceCertificateId": .string(principal)],
                "additionalInfo": .object(JSONObject(info)),
            ]
        }
        #expect(
            finding["relatedResources"]
                == [
                    related(a, [("CONNECTION_TIME", .string("\(day + 7_261_204)")), ("SOURCE_IP", "203.0.113.5")]),
                    related(
                        b,
                        [
                            ("CONNECTION_TIME", .string("\(day + 7_200_350)")),
                            ("DISCONNECTION_TIME", .string("\(day + 7_260_000)")), ("SOURCE_IP", "203.0.113.5"),
                            ("DISCONNECT_REASON", "DUPLICATE_CLIENTID"),
                        ]),
                    related(
                        a,
                        [
                            ("CONNECTION_TIME", .string("\(day + 3_600_000)")),
                            ("DISCONNECTION_TIME", .string("\(day + 7_200_000)")), ("SOURCE_IP", "203.0.113.5"),
                            ("DISCONNECT_REASON", "DUPLICATE_CLIENTID"),
                        ]),
                ])
        #expect(
            finding["reasonForNonCompliance"]
                == .string(
                    "Client ID taken over by another connection: the connection of principal \(a) from 203.0.113.5 "
                        + "was dropped with DUPLICATE_CLIENTID (2026-11-25T02:00:00.000000+00:00) and principal \(b) "
                        + "from 203.0.113.5 connected (2026-11-25T02:00:00.350000+00:00); 3 session(s), 2 ended by "
                        + "DUPLICATE_CLIENTID, in the 31 days before the audit."))
    }
}
