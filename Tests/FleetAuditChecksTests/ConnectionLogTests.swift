import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// The log-based checks' findings in detail: related sessions newest first,
/// their times, and what counts as a resource.
@Suite struct ConnectionLogTests {
    typealias Fixtures = CertificateFixtures

    static func line(_ object: JSONValue) -> String { JSONWriter.compact(object) + "\n" }

    static func entry(
        _ type: String, _ time: String, _ client: String, _ principal: String, ip: String, reason: String? = nil
    ) -> String {
        var object = JSONObject([
            ("timestamp", .string(time)), ("eventType", .string(type)), ("status", "Success"),
            ("clientId", .string(client)), ("principalId", .string(principal)), ("sourceIp", .string(ip)),
            ("sourcePort", 443),
        ])
        if let reason { object["disconnectReason"] = .string(reason) }
        return line(.object(object))
    }

    @Test func sharedCertificateSessionsNewestFirstWithTheirTimes() throws {
        let a = Fixtures.rsa2048.id
        let logs =
            Self.entry("Connect", "2026-11-25 10:00:00.000", "gw-1", a, ip: "203.0.113.1")
            + Self.entry("Connect", "2026-11-25T10:30:00.250Z", "gw-2", a, ip: "203.0.113.2")
            + Self.entry("Disconnect", "2026-11-25 11:00:00.000", "gw-1", a, ip: "203.0.113.1")
            // Epoch milliseconds are accepted too (lifecycle events use them).
            + Self.line(
                [
                    "timestamp": 1_795_650_000_000, "eventType": "Connect", "clientId": "gw-3",
                    "principalId": .string(a),
                ])
        let snapshot = TemporarySnapshot([
            "certificates.json": CertificateFixture.file([Fixtures.rsa2048.device(), Fixtures.ecP256.device()]),
            "iot-logs/day.jsonl": logs,
        ])
        let check = try runCheck(snapshot, DeviceCertificateSharedCheck.self)
        #expect(check.details.totalResourcesCount == 1)
        let finding = try #require(check.preview.first)
        #expect(
            finding.relatedResources == [
                AuditResource(.clientId, .clientId("gw-3"), additionalInfo: [("CONNECTION_TIME", "1795650000000")]),
                AuditResource(
                    .clientId, .clientId("gw-2"), additionalInfo: [("CONNECTION_TIME", "1795602600250")]),
                AuditResource(
                    .clientId, .clientId("gw-1"),
                    additionalInfo: [("CONNECTION_TIME", "1795600800000"), ("DISCONNECTION_TIME", "1795604400000")]),
            ])
        #expect(
            finding.reasonForNonCompliance
                == "Certificate shared by one or more devices: client IDs gw-1 and gw-2 were connected with it at the "
                + "same time (2026-11-25T10:30:00.250000+00:00); 3 session(s) by 3 client ID(s) in the 31 days before "
                + "the audit.")
    }

    @Test func conflictingClientIdRelatedSessions() throws {
        let a = Fixtures.rsa2048.id
        let b = Fixtures.ecP256.id
        let logs =
            Self.entry("Connect", "2026-11-25 10:00:00.000", "sensor-7", a, ip: "203.0.113.1")
            + Self.entry("Connect", "2026-11-25 10:05:00.000", "sensor-7", b, ip: "198.51.100.7")
            + Self.entry(
                "Disconnect", "2026-11-25 10:05:00.000", "sensor-7", a, ip: "203.0.113.1", reason: "DUPLICATE_CLIENTID")
            + Self.entry("Connect", "2026-11-25 10:06:00.000", "cognito-client", "us-east-1:abc", ip: "192.0.2.9")
            + Self.entry("Connect", "2026-11-25 10:07:00.000", "cognito-client", "us-east-1:def", ip: "192.0.2.10")
        let snapshot = TemporarySnapshot(["iot-logs/day.jsonl": logs])
        let check = try runCheck(snapshot, ConflictingClientIdsCheck.self)
        #expect(check.details.totalResourcesCount == 2)
        #expect(
            check.preview.map(\.nonCompliantResource.resourceIdentifier) == [
                .clientId("sensor-7"), .clientId("cognito-client"),
            ])
        let first = try #require(check.preview.first)
        #expect(
            first.relatedResources == [
                AuditResource(
                    .deviceCertificate, .deviceCertificateId(b),
                    additionalInfo: [("CONNECTION_TIME", "1795601100000"), ("SOURCE_IP", "198.51.100.7")]),
                AuditResource(
                    .deviceCertificate, .deviceCertificateId(a),
                    additionalInfo: [
                        ("CONNECTION_TIME", "1795600800000"), ("DISCONNECTION_TIME", "1795601100000"),
                        ("SOURCE_IP", "203.0.113.1"), ("DISCONNECT_REASON", "DUPLICATE_CLIENTID"),
                    ]),
            ])
        #expect(
            first.reasonForNonCompliance
                == "Client ID used by different devices at the same time: principal \(a) from 203.0.113.1 and "
                + "principal \(b) from 198.51.100.7 (2026-11-25T10:05:00.000000+00:00); 2 session(s), 1 ended by "
                + "DUPLICATE_CLIENTID, in the 31 days before the audit.")
        // A principal that is not a certificate is named in PRINCIPAL_ID.
        let second = check.preview[1]
        #expect(
            second.relatedResources.first
                == AuditResource(
                    .clientId, .clientId("cognito-client"),
                    additionalInfo: [
                        ("PRINCIPAL_ID", "us-east-1:def"), ("CONNECTION_TIME", "1795601220000"),
                        ("SOURCE_IP", "192.0.2.10"),
                    ]))
    }

    @Test func aLogFileThatCannotBeReadFailsBothChecks() throws {
        let snapshot = TemporarySnapshot([
            "certificates.json": CertificateFixture.file([Fixtures.rsa2048.device()]),
            "iot-logs/events.json": #"{"events": [{"message": "{}"}"#,
        ])
        let (outcome, _) = try runAudit(
            snapshot, checks: [DeviceCertificateSharedCheck.self, ConflictingClientIdsCheck.self])
        for check in outcome.checks {
            #expect(check.details.checkRunStatus == .failed)
            #expect(
                check.details.message
                    == "iot-logs/events.json: element 1 (byte 29): file ends inside array 'events' after 1 elements "
                    + "(truncated)")
        }
    }

    @Test func anEmptyLogFolderMeansNoConnections() throws {
        let snapshot = TemporarySnapshot(["certificates.json": CertificateFixture.file([Fixtures.rsa2048.device()])])
        snapshot.directory.write("iot-logs/.keep", "")
        let (outcome, _) = try runAudit(
            snapshot, checks: [DeviceCertificateSharedCheck.self, ConflictingClientIdsCheck.self])
        for check in outcome.checks {
            #expect(check.details.checkRunStatus == .completedCompliant)
            #expect(check.details.totalResourcesCount == 0)
        }
    }
}
