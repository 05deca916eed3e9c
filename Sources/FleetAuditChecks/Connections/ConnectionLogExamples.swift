import FleetAuditCore
import FleetAuditJSON

/// Log entries for the connection checks' examples, as AWS IoT writes them to
/// CloudWatch (`timestamp` "YYYY-MM-DD HH:MM:SS.mmm" in UTC).
enum ConnectionLogExamples {
    static let certificateA = CertificateFixtures.rsa2048
    static let certificateB = CertificateFixtures.ecP256

    /// An entry on 2026-11-25 at `time` ("HH:MM:SS").
    static func entry(
        _ eventType: String, _ time: String, client: String, principal: String, ip: String, port: Int64,
        reason: String? = nil
    ) -> JSONValue {
        entry(
            eventType, timestamp: "2026-11-25 \(time).000", client: client, principal: principal, ip: ip, port: port,
            reason: reason)
    }

    /// An entry at `timestamp` as CloudWatch prints it ("YYYY-MM-DD HH:MM:SS.mmm").
    static func entry(
        _ eventType: String, timestamp: String, client: String, principal: String, ip: String, port: Int64,
        reason: String? = nil
    ) -> JSONValue {
        var object = JSONObject([
            ("timestamp", .string(timestamp)), ("logLevel", "INFO"),
            ("traceId", .string(FindingIdentity.uuidV5(name: "\(eventType) \(timestamp) \(client) \(ip)"))),
            ("accountId", "123456789012"), ("status", "Success"), ("eventType", .string(eventType)),
            ("protocol", "MQTT"), ("clientId", .string(client)), ("principalId", .string(principal)),
            ("sourceIp", .string(ip)), ("sourcePort", .integer(port)),
        ])
        if let reason { object["disconnectReason"] = .string(reason) }
        return .object(object)
    }

    /// A session as two JSON Lines entries: Connect at `from`, Disconnect at `to` (nil: still connected).
    static func session(
        _ from: String, _ to: String?, client: String, principal: CertificateFixture, ip: String = "203.0.113.10",
        port: Int64 = 50_000, reason: String = "CLIENT_INITIATED_DISCONNECT"
    ) -> [JSONValue] {
        var entries = [entry("Connect", from, client: client, principal: principal.id, ip: ip, port: port)]
        if let to {
            entries.append(
                entry("Disconnect", to, client: client, principal: principal.id, ip: ip, port: port, reason: reason))
        }
        return entries
    }

    /// A session from `start` that the broker ended at `end` with DUPLICATE_CLIENTID, and the
    /// connection that took the client ID over, connecting at `takeover` (still connected).
    static func takeover(
        _ start: String, _ end: String, by takeover: String, client: String, first: CertificateFixture,
        second: CertificateFixture, secondIp: String = "203.0.113.10", secondPort: Int64 = 50_000
    ) -> [JSONValue] {
        session(start, end, client: client, principal: first, reason: "DUPLICATE_CLIENTID")
            + session(takeover, nil, client: client, principal: second, ip: secondIp, port: secondPort)
    }

    static func lines(_ entries: [JSONValue]...) -> String {
        entries.joined().map { JSONWriter.compact($0) }.joined(separator: "\n") + "\n"
    }

    /// `aws logs filter-log-events` output: each entry as the `message` string of an event.
    static func filterLogEvents(_ entries: [JSONValue]...) -> String {
        let events = entries.joined().enumerated().map { index, entry -> JSONValue in
            [
                "logStreamName": "i-0a1b2c3d", "timestamp": .integer(1_795_600_000_000 + Int64(index)),
                "message": .string(JSONWriter.compact(entry)), "ingestionTime": 1_795_600_000_500,
                "eventId": .string("3724567890123456789012345678901234567890123456789012345\(index)"),
            ]
        }
        return JSONWriter.pretty(["events": .array(events), "searchedLogStreams": []])
    }

    static func certificates(statusA: String = "ACTIVE", statusB: String = "ACTIVE") -> String {
        CertificateFixture.file([certificateA.device(status: statusA), certificateB.device(status: statusB)])
    }
}
