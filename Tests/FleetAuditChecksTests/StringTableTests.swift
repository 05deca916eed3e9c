import FleetAuditCore
import Testing

@testable import FleetAuditChecks

/// The connection log's string table interns from bytes (the records of a spilled
/// bucket): one id a distinct string, the same id for every repeat, whatever the
/// table's growth, and the same ids as interning the `String`s.
@Suite struct StringTableTests {
    @Test func repeatsGetTheirFirstIdThroughEveryGrowth() {
        var fromBytes = StringTable()
        var fromStrings = StringTable()
        let texts = (0..<5_000).map { "client-\($0 % 1_700)-é" } + ["", "DUPLICATE_CLIENTID", "client-1-é"]
        var first: [String: Int32] = [:]
        for text in texts {
            let id = Array(text.utf8).withUnsafeBytes { fromBytes.intern($0) }
            #expect(fromStrings.intern(text) == id)
            #expect(first[text, default: id] == id, "\(text)")
            first[text] = first[text] ?? id
        }
        #expect(fromBytes.strings.count == Set(texts).count)
        for (text, id) in first {
            #expect(fromBytes.strings[Int(id)] == text)
            #expect(fromBytes.lookup(text) == id)
        }
        #expect(fromBytes.lookup("client-1700-é") == nil)
    }
}
