import FleetAuditCore
import FleetAuditJSON
import Testing

@Suite struct AuditTimeTests {
    @Test func formatsAsTheAWSCLIv2PrintsInUTC() {
        #expect(AuditTime(microsecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00.000000+00:00")
        #expect(AuditTime(millisecondsSinceEpoch: 1_572_007_301_019).iso8601 == "2019-10-25T12:41:41.019000+00:00")
        #expect(AuditTime(iso8601: "2024-02-29T23:59:59.5Z")?.iso8601 == "2024-02-29T23:59:59.500000+00:00")
        #expect(AuditTime(microsecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999999+00:00")
    }

    @Test func readsAllThreeSnapshotForms() {
        let expected = AuditTime(millisecondsSinceEpoch: 1_559_925_941_924)
        // AWS CLI v1: epoch seconds.
        #expect(AuditTime(json: .real(1_559_925_941.924)) == expected)
        // Epoch milliseconds (numbers above 10^11).
        #expect(AuditTime(json: .integer(1_559_925_941_924)) == expected)
        // AWS CLI v2: ISO 8601 with an offset.
        #expect(AuditTime(json: "2019-06-07T09:45:41.924000-07:00") == expected)
        #expect(AuditTime(json: "2019-06-07T16:45:41.924Z") == expected)
        // IoT log lines: space separator, no offset, UTC.
        #expect(AuditTime(json: "2019-06-07 16:45:41.924") == expected)
        #expect(AuditTime(json: .integer(1_559_925_941)) == AuditTime(millisecondsSinceEpoch: 1_559_925_941_000))
    }

    @Test(arguments: [
        "", "2019-06-07", "2019-13-01T00:00:00Z", "2019-02-29T00:00:00Z", "2019-06-07T25:00:00Z",
        "2019-06-07T10:00:00+0", "2019-06-07T10:00:00.Z", "2019-06-07T10:00:00Z junk", "yesterday",
    ])
    func rejectsWhatIsNotATime(_ text: String) {
        #expect(AuditTime(iso8601: text) == nil)
    }

    @Test func rejectsNonTimestampJSON() {
        #expect(AuditTime(json: .bool(true)) == nil)
        #expect(AuditTime(json: .real(.infinity)) == nil)
        #expect(AuditTime(json: ["a": 1]) == nil)
    }
}
