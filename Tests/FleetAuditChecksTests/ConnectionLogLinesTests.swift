import FleetAuditChecks
import Testing

/// The public entry point into the connection checks' log-line reader that the
/// fuzz target drives (Fuzz/Sources/FuzzLogLine): it must give what an audit
/// gets from the same line.
@Suite struct ConnectionLogLinesTests {
    static let windowEnd: Int64 = 1_764_547_200_000  // 2025-12-01T00:00:00Z

    static func read(_ line: String, wrapped: Bool = false, windowEnd: Int64 = windowEnd) -> String {
        ConnectionLogLines.read(Array(line.utf8), wrapped: wrapped, windowEnd: windowEnd)
    }

    static let connect =
        #"{"timestamp":"2025-11-25 05:58:00.000","status":"Success","eventType":"Connect","#
        + #""clientId":"c","principalId":"p","sourceIp":"203.0.113.21","sourcePort":40200}"#

    @Test func aConnectLineBecomesOneSessionItsRepeatIsIgnored() {
        #expect(Self.read(Self.connect) == "entry: 1 sessions, 1 times")
    }

    /// The fuzz target's other window: the window's start is computed without overflow.
    @Test func aWindowEndingAtTheLargestEpochStillPairsSessions() {
        #expect(Self.read(Self.connect, windowEnd: .max) == "entry: 1 sessions, 1 times")
    }

    @Test func aConnectAfterTheAuditTimeIsIgnored() {
        #expect(Self.read(Self.connect, windowEnd: 0) == "ignored")
    }

    @Test func aWrappedLineWithoutMessageIsSkippedWithItsReason() {
        #expect(Self.read(#"{"timestamp":1}"#, wrapped: true) == "the event has no message string")
    }

    @Test func aLineThatIsNotJSONIsSkippedWithoutQuotingIt() {
        #expect(Self.read("\u{1B}]52;c;x\u{7}") == "invalid token")
    }
}
