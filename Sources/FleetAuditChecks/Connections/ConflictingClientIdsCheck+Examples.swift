import FleetAuditCore
import FleetAuditJSON

extension ConflictingClientIdsCheck {
    typealias Logs = ConnectionLogExamples

    static func conflict(_ client: String) -> ExpectedFinding { ExpectedFinding(reasonCode, .clientId(client)) }

    static let examples: [CheckExample] = [
        CheckExample(
            "two certificates take turns with client ID sensor-07, each connection dropping the other",
            files: [
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session(
                        "10:00:00", "10:05:00", client: "sensor-07", principal: Logs.certificateA,
                        reason: "DUPLICATE_CLIENTID"),
                    Logs.session(
                        "10:05:00", "10:09:00", client: "sensor-07", principal: Logs.certificateB, ip: "198.51.100.7",
                        reason: "DUPLICATE_CLIENTID"),
                    Logs.session("10:09:00", nil, client: "sensor-07", principal: Logs.certificateA),
                    Logs.session("08:00:00", "18:00:00", client: "sensor-01", principal: Logs.certificateB))
            ],
            expect: .nonCompliant([conflict("sensor-07")])),
        CheckExample(
            "a connection knocked off from the same address still conflicts (a bad connection, or devices behind NAT)",
            files: [
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.takeover(
                        "10:00:00", "10:05:00", by: "10:05:00", client: "sensor-07", first: Logs.certificateA,
                        second: Logs.certificateA, secondPort: 50_001))
            ],
            expect: .nonCompliant([conflict("sensor-07")])),
        CheckExample(
            "the displacing Connect logged seconds after the DUPLICATE_CLIENTID Disconnect (AWS's example timing)",
            files: [
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.takeover(
                        "10:00:00", "10:05:00", by: "10:05:02", client: "sensor-07", first: Logs.certificateA,
                        second: Logs.certificateB, secondIp: "198.51.100.7"))
            ],
            expect: .nonCompliant([conflict("sensor-07")])),
        CheckExample(
            "a device that lost its connection and reconnected knocked nothing off",
            files: [
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session(
                        "10:00:00", "10:05:00", client: "sensor-07", principal: Logs.certificateA,
                        reason: "CONNECTION_LOST"),
                    Logs.session("10:05:02", nil, client: "sensor-07", principal: Logs.certificateA, port: 50_001))
            ],
            expect: .compliant),
        CheckExample(
            "the same client ID used one after the other by two certificates, never at once",
            files: [
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session("10:00:00", "10:05:00", client: "sensor-07", principal: Logs.certificateA),
                    Logs.session("10:06:00", "10:09:00", client: "sensor-07", principal: Logs.certificateB))
            ],
            expect: .compliant),
        CheckExample(
            "a conflict in filter-log-events output",
            files: [
                "iot-logs/events.json": Logs.filterLogEvents(
                    Logs.takeover(
                        "10:00:00", "10:05:00", by: "10:05:00", client: "sensor-07", first: Logs.certificateA,
                        second: Logs.certificateB, secondIp: "198.51.100.7"))
            ],
            expect: .nonCompliant([conflict("sensor-07")])),
        CheckExample(
            "a Disconnect without its Connect, a failed Connect and other broker events open no session",
            files: [
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    [
                        Logs.entry(
                            "Disconnect", "09:00:00", client: "sensor-07", principal: Logs.certificateB.id,
                            ip: "198.51.100.7", port: 1, reason: "CONNECTION_LOST"),
                        [
                            "timestamp": "2026-11-25 10:01:00.000", "eventType": "Connect", "status": "Failure",
                            "clientId": "sensor-07", "principalId": .string(Logs.certificateB.id),
                        ],
                        ["timestamp": "2026-11-25 10:02:00.000", "eventType": "Publish-In", "clientId": "sensor-07"],
                    ],
                    Logs.session("08:00:00", "12:00:00", client: "sensor-07", principal: Logs.certificateA))
            ],
            expect: .compliant),
    ]
}
