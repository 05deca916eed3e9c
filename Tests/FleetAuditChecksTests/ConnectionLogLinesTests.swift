import FleetAuditBase
import FleetAuditChecks
import FleetAuditTestSupport
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
        #expect(Self.read("\u{1B}]52;c;x\u{7}") == "not valid JSON at byte 1: invalid token")
    }

    /// Lines of every kind the in-place reader meets: each must read as the
    /// parse reads it, and the plain ones must be read in place.
    static let variants: [(line: String, inPlace: Bool)] = [
        (connect, true),
        (
            #"{"timestamp":"2025-11-25T06:00:00Z","eventType":"Disconnect","clientId":"c","principalId":"p","#
                + #""sourceIp":"203.0.113.21","sourcePort":40200,"disconnectReason":"DUPLICATE_CLIENTID"}"#, true
        ),
        (
            #"{"timestamp":1764050280000,"eventType":"Connect","status":"Success","clientId":"c","principalId":"p"}"#,
            true
        ),
        (#"{"timestamp":1764050280,"eventType":"Connect","clientId":"c","principalId":"p","sourcePort":"443"}"#, true),
        (#"{"timestamp":"2025-11-25 05:58:00.000","eventType":"Connect","status":"Failure","clientId":"c"}"#, true),
        (#"{"timestamp":"2025-11-25 05:58:00.000","eventType":"Publish-In","clientId":"c","principalId":"p"}"#, true),
        (#"{"timestamp":"2026-11-25 05:58:00.000","eventType":"Connect","clientId":"c","principalId":"p"}"#, true),
        (#"{"eventType":"Connect","clientId":"c","principalId":"p","sourceIp":null,"sourcePort":[1]}"#, false),
        (#"{"timestamp":"2025-11-25 05:58:00.000","eventType":"Connect","clientId":"","principalId":"p"}"#, false),
        (#"{"timestamp":"yesterday","eventType":"Connect","clientId":"c","principalId":"p"}"#, false),
        (#"{"timestamp":1.7640502e12,"eventType":"Connect","clientId":"c","principalId":"p"}"#, false),
        (
            #"{"timestamp":"2025-11-25 05:58:00.000","eventType":"Conn\u0065ct","clientId":"c","principalId":"p"}"#,
            false
        ),
        (
            #"{"timestamp":"2025-11-25 05:58:00.000","eventType":"Connect","clientId":"\u00e9","principalId":"p"}"#,
            false
        ),
        (#"{"timestamp":"2025-11-25 05:58:00.000","eventType":"Connect","clientId":"é","principalId":"p"}"#, true),
        (#"{"eventType":"Connect","eventType":"Disconnect"}"#, false),
        (#"{"timestamp":"2025-11-25 05:58:00.000","eventType":true,"clientId":"c","principalId":"p"}"#, false),
        (#"["Connect"]"#, false),
        ("{\"eventType\":\"Connect\",\"clientId\":\"\u{01}\"}", false),
        ("", false),
    ]

    @Test("a line read in place reads as the parse reads it", arguments: variants.indices)
    func variant(_ index: Int) {
        let (line, inPlace) = Self.variants[index]
        let readings = ConnectionLogLines.readings(Array(line.utf8), windowEnd: Self.windowEnd)
        #expect((readings.inPlace != nil) == inPlace)
        if let read = readings.inPlace { #expect(read == readings.parsed) }
    }

    /// Seeded random changes to the plain lines (bytes replaced, escapes and
    /// invalid UTF-8 inserted, members repeated, keys escaped, nesting past
    /// jansson's limit): the in-place reading, when there is one, is the parse's.
    @Test("mutated lines: the in-place reading is always the parse's")
    func mutatedLines() {
        let names = ["eventType", "status", "timestamp", "clientId", "principalId", "sourceIp", "sourcePort"]
        let originals = Self.variants.filter(\.inPlace).map { Array($0.line.utf8) }
        var random = SplitMix64(state: 2027)
        var readInPlace = 0
        var problems: [String] = []
        for copy in 0..<6000 {
            var line = originals[copy % originals.count]
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                JSONMutation.mutate(&line, names: names, using: &random)
            }
            let readings = ConnectionLogLines.readings(line, windowEnd: Self.windowEnd)
            guard let read = readings.inPlace else { continue }
            readInPlace += 1
            if read != readings.parsed, problems.count < 5 {
                problems.append("\(String(decoding: line, as: UTF8.self)): \(read) vs \(readings.parsed)")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // Enough lines stay plain for the comparison to mean something.
        #expect(readInPlace >= 1000)
    }
}
