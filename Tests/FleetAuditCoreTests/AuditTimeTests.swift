import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import Testing

@Suite struct AuditTimeTests {
    @Test func formatsAsTheAWSCLIv2PrintsInUTC() {
        #expect(AuditTime(microsecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00.000000+00:00")
        #expect(AuditTime(millisecondsSinceEpoch: 1_572_007_301_019).iso8601 == "2019-10-25T12:41:41.019000+00:00")
        #expect(AuditTime(iso8601: "2024-02-29T23:59:59.5Z")?.iso8601 == "2024-02-29T23:59:59.500000+00:00")
        #expect(AuditTime(microsecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999999+00:00")
        // The first and last instants written digit by digit, and the first beyond them.
        let first = AuditTime(year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0)
        #expect(first?.iso8601 == "0000-01-01T00:00:00.000000+00:00")
        let last = AuditTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)
        #expect(
            last.map { AuditTime(microsecondsSinceEpoch: $0.microsecondsSinceEpoch + 999_999) }?.iso8601
                == "9999-12-31T23:59:59.999999+00:00")
        #expect(
            last.map { AuditTime(microsecondsSinceEpoch: $0.microsecondsSinceEpoch + 1_000_000) }?.iso8601
                == "10000-01-01T00:00:00.000000+00:00")
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

/// Issue 10, numbers: epoch conversions saturate at the ends of the range
/// instead of trapping (`* 1000` on 2^63-1, `-Int64.min`).
@Suite struct AuditTimeExtremesTests {
    @Test func millisecondsSaturate() {
        #expect(AuditTime(millisecondsSinceEpoch: .max).microsecondsSinceEpoch == .max)
        #expect(AuditTime(millisecondsSinceEpoch: .min).microsecondsSinceEpoch == .min)
        #expect(AuditTime(millisecondsSinceEpoch: -1).microsecondsSinceEpoch == -1000)
    }

    @Test func theMostNegativeTimeHasMillisecondsAndText() {
        let earliest = AuditTime(microsecondsSinceEpoch: .min)
        #expect(earliest.millisecondsSinceEpoch == -9_223_372_036_854_776)
        #expect(AuditTime(microsecondsSinceEpoch: -1).millisecondsSinceEpoch == -1)
        #expect(earliest.iso8601 == "-290308-12-21T19:59:05.224192+00:00")
        #expect(AuditTime(microsecondsSinceEpoch: .max).iso8601 == "294247-01-10T04:00:54.775807+00:00")
    }

    @Test func addingDaysSaturates() {
        let now = AuditTime(microsecondsSinceEpoch: 0)
        #expect(now.adding(days: .max).microsecondsSinceEpoch == .max)
        #expect(now.adding(days: .min).microsecondsSinceEpoch == .min)
        #expect(AuditTime(microsecondsSinceEpoch: .max - 1).adding(days: 1).microsecondsSinceEpoch == .max)
        #expect(now.adding(days: 1).microsecondsSinceEpoch == 86_400_000_000)
    }
}
