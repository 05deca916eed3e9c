import FleetAuditCore
import FleetAuditJSON

extension DeviceCertificateSharedCheck {
    typealias Logs = ConnectionLogExamples

    static let sharedA = ExpectedFinding(reasonCode, .deviceCertificateId(Logs.certificateA.id))

    static let examples: [CheckExample] = [
        CheckExample(
            "two client IDs connected with certificate A at the same time; certificate B used by one device",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session("10:00:00", "11:00:00", client: "gateway-01", principal: Logs.certificateA),
                    Logs.session(
                        "10:30:00", "12:00:00", client: "gateway-01-clone", principal: Logs.certificateA,
                        ip: "198.51.100.7"),
                    Logs.session("09:00:00", "18:00:00", client: "sensor-01", principal: Logs.certificateB)),
            ],
            expect: .nonCompliant([sharedA])),
        CheckExample(
            "back-to-back sessions of two client IDs do not overlap",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session("10:00:00", "11:00:00", client: "gateway-01", principal: Logs.certificateA),
                    Logs.session("11:00:00", "12:00:00", client: "gateway-01-b", principal: Logs.certificateA)),
            ],
            expect: .compliant),
        CheckExample(
            "one client ID taken over by a second connection with certificate A (AWS's CLI example shape)",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    // The new connection's Connect is logged after the Disconnect it caused.
                    Logs.takeover(
                        "10:00:00", "10:20:00", by: "10:20:02", client: "gateway-01", first: Logs.certificateA,
                        second: Logs.certificateA, secondIp: "198.51.100.7")),
            ],
            expect: .nonCompliant([sharedA])),
        CheckExample(
            "NAT: two devices behind one address use certificate A with two client IDs at once",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session("10:00:00", "11:00:00", client: "meter-17", principal: Logs.certificateA),
                    Logs.session(
                        "10:30:00", "12:00:00", client: "meter-18", principal: Logs.certificateA, port: 50_001)),
            ],
            expect: .nonCompliant([sharedA])),
        CheckExample(
            "NAT: two devices behind one address with certificate A and one client ID knock each other off",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session(
                        "10:00:00", "10:05:00", client: "meter-17", principal: Logs.certificateA,
                        reason: "DUPLICATE_CLIENTID"),
                    Logs.session(
                        "10:05:01", "10:09:00", client: "meter-17", principal: Logs.certificateA, port: 50_001,
                        reason: "DUPLICATE_CLIENTID"),
                    Logs.session("10:09:01", nil, client: "meter-17", principal: Logs.certificateA, port: 50_002)),
            ],
            expect: .nonCompliant([sharedA])),
        CheckExample(
            "a device that reconnects after losing its connection is one connection at a time",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session(
                        "10:00:00", "10:05:00", client: "gateway-01", principal: Logs.certificateA,
                        reason: "CONNECTION_LOST"),
                    Logs.session(
                        "10:05:02", nil, client: "gateway-01", principal: Logs.certificateA, ip: "198.51.100.7",
                        port: 50_001)),
            ],
            expect: .compliant),
        CheckExample(
            "client ID taken over by another certificate: a conflicting client ID, not a shared certificate",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.takeover(
                        "10:00:00", "10:20:00", by: "10:20:02", client: "gateway-01", first: Logs.certificateA,
                        second: Logs.certificateB)),
            ],
            expect: .compliant),
        CheckExample(
            "a session still open when the logs end overlaps a later one",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session("08:00:00", nil, client: "gateway-01", principal: Logs.certificateA),
                    Logs.session("23:00:00", "23:30:00", client: "bench-test", principal: Logs.certificateA)),
            ],
            expect: .nonCompliant([sharedA])),
        CheckExample(
            "the two forms of iot-logs/: one session in JSON Lines, the other in filter-log-events output",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/a.jsonl": Logs.lines(
                    Logs.session("10:00:00", "11:00:00", client: "gateway-01", principal: Logs.certificateA)),
                "iot-logs/b.json": Logs.filterLogEvents(
                    Logs.session("10:59:59", "12:00:00", client: "gateway-02", principal: Logs.certificateA)),
            ],
            expect: .nonCompliant([sharedA])),
        CheckExample(
            "status scope: the shared certificate is INACTIVE now",
            files: [
                "certificates.json": Logs.certificates(statusA: "INACTIVE"),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session("10:00:00", "11:00:00", client: "gateway-01", principal: Logs.certificateA),
                    Logs.session("10:30:00", "12:00:00", client: "gateway-02", principal: Logs.certificateA)),
            ],
            expect: .compliant),
        CheckExample(
            "overlapping sessions more than 31 days before the audit are outside the window",
            files: [
                "manifest.json": CertificateFixture.manifest(exportedAt: "2026-12-26T12:00:00Z"),
                "certificates.json": Logs.certificates(),
                "iot-logs/2026-11-25.jsonl": Logs.lines(
                    Logs.session("10:00:00", "11:00:00", client: "gateway-01", principal: Logs.certificateA),
                    Logs.session("10:30:00", "12:00:00", client: "gateway-02", principal: Logs.certificateA)),
            ],
            expect: .compliant),
        CheckExample(
            "a line that is not JSON, a timestamp in an unknown format, a message that is not JSON: skipped",
            files: [
                "certificates.json": Logs.certificates(),
                "iot-logs/a.jsonl": Logs.lines(
                    Logs.session("10:00:00", "11:00:00", client: "gateway-01", principal: Logs.certificateA))
                    + "{\"eventType\": \"Connect\", oops\n"
                    + #"{"eventType": "Connect", "timestamp": "25/11/2026 10:30", "clientId": "x", "principalId": "y"}"#
                    + "\n"
                    + Logs.lines(
                        Logs.session("10:30:00", "12:00:00", client: "gateway-02", principal: Logs.certificateA)),
                "iot-logs/b.json": #"{"events": [{"message": "Connect at 10:00"}]}"#,
            ],
            expect: .nonCompliant([sharedA]),
            message: "3 input(s) skipped: iot-logs/a.jsonl: element 2 (byte 738): not valid JSON at byte 767: "
                + "string or '}' expected; iot-logs/a.jsonl: element 3 (byte 768): Connect entry: timestamp "
                + #""25/11/2026 10:30" is not in a known format (YYYY-MM-DD HH:MM:SS.mmm in UTC, ISO 8601, or "#
                + "epoch milliseconds); iot-logs/b.json: element 0 (byte 12): message is not JSON (at byte 7): "
                + "invalid token"),
        CheckExample(
            "no iot-logs/ folder",
            files: ["certificates.json": Logs.certificates()],
            expect: .failed(message: "iot-logs/: folder not found in the snapshot")),
    ]
}
