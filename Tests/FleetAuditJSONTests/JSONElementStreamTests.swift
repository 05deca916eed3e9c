import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// A temporary file holding `bytes`, removed when the value is released.
func temporaryFile(_ bytes: [UInt8]) -> TemporaryFile { TemporaryFile(bytes) }

func temporaryFile(_ text: String) -> TemporaryFile { TemporaryFile(text) }

/// A readable rendering of events for exact comparisons.
enum Event: Equatable, CustomStringConvertible {
    case member(String, JSONValue, Int64)
    case arrayStart(String, Int64)
    case element(String?, Int, Int64, String)
    case arrayEnd(String, Int)

    var description: String {
        switch self {
        case .member(let key, let value, let offset): return "member \(key)=\(JSONWriter.compact(value)) @\(offset)"
        case .arrayStart(let key, let offset): return "[ \(key) @\(offset)"
        case .element(let key, let index, let offset, let text): return "\(key ?? "-")[\(index)] @\(offset) \(text)"
        case .arrayEnd(let key, let count): return "] \(key) \(count)"
        }
    }
}

/// Streams a temporary file to the end; returns the events and the error that stopped it, if any.
func streamAll(
    _ file: TemporaryFile, form: JSONFileForm = .object, chunkSize: Int = 1 << 20, maxElementBytes: Int = 256 << 20
) -> (events: [Event], error: JSONStreamError?) {
    withExtendedLifetime(file) {
        streamAll(file.path, form: form, chunkSize: chunkSize, maxElementBytes: maxElementBytes)
    }
}

/// Streams the file at `path` to the end; returns the events and the error that stopped it, if any.
func streamAll(
    _ path: String, form: JSONFileForm = .object, chunkSize: Int = 1 << 20, maxElementBytes: Int = 256 << 20
) -> (events: [Event], error: JSONStreamError?) {
    var events: [Event] = []
    do {
        let stream = try JSONElementStream(
            path: path, form: form, chunkSize: chunkSize, maxElementBytes: maxElementBytes)
        while let event = try stream.next() {
            switch event {
            case .member(let key, let value, let offset): events.append(.member(key, value, offset))
            case .arrayStart(let key, let offset): events.append(.arrayStart(key, offset))
            case .element(let element):
                events.append(
                    .element(
                        element.key, element.index, element.byteOffset,
                        String(decoding: element.bytes, as: UTF8.self)))
            case .arrayEnd(let key, let count): events.append(.arrayEnd(key, count))
            }
        }
        return (events, nil)
    } catch {
        return (events, error)
    }
}

@Suite struct ObjectFormTests {
    static let document = #"""
        {"accountId": "123456789012", "xs": [{"k": 1}, {"k": "a,]}"}], "ys": [3, "s", [1, [2]]],
         "nested": {"c": true}, "empty": []}
        """#

    static let expected: [Event] = [
        .member("accountId", "123456789012", 14),
        .arrayStart("xs", 36),
        .element("xs", 0, 37, #"{"k": 1}"#),
        .element("xs", 1, 47, #"{"k": "a,]}"}"#),
        .arrayEnd("xs", 2),
        .arrayStart("ys", 69),
        .element("ys", 0, 70, "3"),
        .element("ys", 1, 73, #""s""#),
        .element("ys", 2, 78, "[1, [2]]"),
        .arrayEnd("ys", 3),
        .member("nested", ["c": true], 100),
        .arrayStart("empty", 122),
        .arrayEnd("empty", 0),
    ]

    @Test func streamsEveryArrayElementByElement() {
        let result = streamAll(temporaryFile(Self.document))
        #expect(result.error == nil)
        #expect(result.events == Self.expected)
    }

    @Test(arguments: [16, 17, 31, 64])
    func slidingWindowGivesTheSameEventsAtAnyChunkSize(chunkSize: Int) {
        let result = streamAll(temporaryFile(Self.document), chunkSize: chunkSize)
        #expect(result.error == nil)
        #expect(result.events == Self.expected)
    }

    @Test func elementLargerThanTheChunkGrowsTheWindow() {
        let long = String(repeating: "x", count: 1000)
        let result = streamAll(temporaryFile(#"{"xs": ["\#(long)", 1]}"#), chunkSize: 16)
        #expect(result.error == nil)
        #expect(result.events.count == 4)
        #expect(result.events[1] == .element("xs", 0, 8, "\"\(long)\""))
        #expect(result.events[2] == .element("xs", 1, 1012, "1"))
    }

    @Test func elementsParseWithJansson() throws {
        let file = temporaryFile(#"{"xs": [{"a": [1, 2.5, null, false]}]}"#)
        let stream = try JSONElementStream(path: file.path, form: .object)
        defer { withExtendedLifetime(file) {} }
        _ = try stream.next()
        guard case .element(let element)? = try stream.next() else {
            Issue.record("expected an element")
            return
        }
        #expect(try element.parse().get() == ["a": [1, .real(2.5), nil, false]])
    }

    @Test func escapedQuotesDoNotEndAString() {
        let result = streamAll(temporaryFile(#"{"xs": ["a\"]", "b\\"]}"#))
        #expect(result.error == nil)
        #expect(result.events.count == 4)
        #expect(result.events[1] == .element("xs", 0, 8, #""a\"]""#))
        #expect(result.events[2] == .element("xs", 1, 16, #""b\\""#))
    }
}

@Suite struct JSONLinesTests {
    @Test func eachNonBlankLineIsAnElement() {
        let result = streamAll(temporaryFile("{\"a\": 1}\n\n  \n{\"a\": 2}\r\n{\"a\": 3}"), form: .lines)
        #expect(result.error == nil)
        #expect(
            result.events == [
                .element(nil, 0, 0, #"{"a": 1}"#), .element(nil, 1, 13, #"{"a": 2}"#),
                .element(nil, 2, 23, #"{"a": 3}"#),
            ])
    }

    @Test(arguments: [16, 20, 1 << 20])
    func longLinesAcrossChunks(chunkSize: Int) {
        let lines = (0..<50).map { #"{"id": "\#(String(repeating: "z", count: $0))"}"# }
        let result = streamAll(temporaryFile(lines.joined(separator: "\n") + "\n"), form: .lines, chunkSize: chunkSize)
        #expect(result.error == nil)
        #expect(result.events.count == 50)
        if case .element(_, let index, _, let text) = result.events.last {
            #expect(index == 49)
            #expect(text == lines[49])
        }
    }

    @Test func aMalformedLineIsAnElementForTheParserToReject() throws {
        let result = streamAll(temporaryFile("{\"a\": 1}\n{\"a\": \n{\"a\": 3}\n"), form: .lines)
        #expect(result.error == nil)
        #expect(result.events.count == 3)
    }

    @Test func aTruncatedLastLineIsAFileError() {
        let result = streamAll(temporaryFile("{\"a\": 1}\n{\"a\": 2"), form: .lines)
        #expect(result.events == [.element(nil, 0, 0, #"{"a": 1}"#)])
        #expect(
            result.error
                == JSONStreamError(
                    reason: "file ends inside this line (truncated): '}' expected near end of file", byteOffset: 16,
                    elementIndex: 1))
    }

    @Test func emptyFileIsAnError() {
        #expect(
            streamAll(temporaryFile(""), form: .lines).error == JSONStreamError(reason: "file is empty", byteOffset: 0))
    }
}

@Suite struct BadInputTests {
    func error(_ text: String) -> JSONStreamError? { streamAll(temporaryFile(text)).error }
    func error(_ bytes: [UInt8]) -> JSONStreamError? { streamAll(temporaryFile(bytes)).error }

    @Test func truncatedInsideAnElement() {
        #expect(
            error(#"{"xs": [{"k": 1}, {"k": "#)
                == JSONStreamError(
                    reason: "file ends inside this element (truncated)", byteOffset: 18, elementIndex: 1, key: "xs"))
    }

    @Test func truncatedBetweenElements() {
        #expect(
            error(#"{"xs": [{"k": 1}"#)
                == JSONStreamError(
                    reason: "file ends inside array 'xs' after 1 elements (truncated)", byteOffset: 16,
                    elementIndex: 1, key: "xs"))
    }

    @Test func truncatedAfterTheLastArray() {
        #expect(
            error(#"{"xs": []"#)
                == JSONStreamError(reason: "file ends inside the top-level object (truncated)", byteOffset: 9))
    }

    @Test func topLevelArray() {
        #expect(
            error(#"[{"k": 1}]"#)
                == JSONStreamError(
                    reason: "top-level value is an array; expected an object whose members are arrays", byteOffset: 0))
    }

    @Test func topLevelScalar() {
        #expect(
            error("  42")
                == JSONStreamError(
                    reason: "top-level value is a number; expected an object whose members are arrays", byteOffset: 2))
    }

    @Test func notJSONAtAll() {
        #expect(
            error("<html>")
                == JSONStreamError(
                    reason:
                        "top-level value is not JSON (starts with '<'); expected an object whose members are arrays",
                    byteOffset: 0))
    }

    @Test func garbageBetweenElements() {
        #expect(
            error(#"{"xs": [{"k": 1} x {"k": 2}]}"#)
                == JSONStreamError(
                    reason: "unexpected 'x' after element 0 of 'xs'; expected ',' or ']'", byteOffset: 17,
                    elementIndex: 0, key: "xs"))
    }

    @Test func missingCommaBetweenElements() {
        #expect(
            error(#"{"xs": [{"k": 1} {"k": 2}]}"#)
                == JSONStreamError(
                    reason: "unexpected '{' after element 0 of 'xs'; expected ',' or ']'", byteOffset: 17,
                    elementIndex: 0, key: "xs"))
    }

    @Test func trailingComma() {
        #expect(
            error(#"{"xs": [1, ]}"#)
                == JSONStreamError(
                    reason: "trailing ',' after element 0 of 'xs'", byteOffset: 11, elementIndex: 0, key: "xs"))
    }

    @Test func duplicatedArrayKey() {
        let result = streamAll(temporaryFile(#"{"xs": [1], "xs": [2]}"#))
        #expect(result.events == [.arrayStart("xs", 7), .element("xs", 0, 8, "1"), .arrayEnd("xs", 1)])
        #expect(
            result.error
                == JSONStreamError(
                    reason: "top-level member 'xs' appears twice (first at byte 1)", byteOffset: 12, key: "xs"))
    }

    @Test func duplicateKeyInsideAnElementIsAnElementError() throws {
        let result = streamAll(temporaryFile(#"{"xs": [{"k": 1, "k": 2}]}"#))
        #expect(result.error == nil)
        let element = RawElement(key: "xs", index: 0, byteOffset: 8, bytes: Array(#"{"k": 1, "k": 2}"#.utf8))
        #expect(
            element.parse().error
                == JSONStreamError(
                    reason: "duplicate object key", byteOffset: 20, elementIndex: 0, key: "xs"))
    }

    @Test func nonUTF8ByteInsideAnElementIsAnElementError() {
        let bytes = Array(#"{"k": "a"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        let element = RawElement(key: "xs", index: 3, byteOffset: 100, bytes: bytes)
        #expect(
            element.parse().error
                == JSONStreamError(
                    reason: "unable to decode byte 0xff", byteOffset: 108, elementIndex: 3, key: "xs"))
    }

    @Test func nonUTF8ByteBetweenElements() {
        #expect(
            error(Array(#"{"xs": [1 "#.utf8) + [0xFF] + Array("]}".utf8))
                == JSONStreamError(
                    reason: "unexpected byte 0xFF after element 0 of 'xs'; expected ',' or ']'", byteOffset: 10,
                    elementIndex: 0, key: "xs"))
    }

    @Test func nestingPastJanssonsLimitIsAnElementError() {
        let deep = String(repeating: "[", count: 2049) + String(repeating: "]", count: 2049)
        let result = streamAll(temporaryFile(#"{"xs": [\#(deep)]}"#))
        #expect(result.error == nil)
        guard case .element(_, _, _, let text)? = result.events.dropFirst().first else {
            Issue.record("expected the deep element")
            return
        }
        let element = RawElement(key: "xs", index: 0, byteOffset: 8, bytes: Array(text.utf8))
        #expect(
            element.parse().error
                == JSONStreamError(
                    reason: "maximum parsing depth reached", byteOffset: 8 + 2049, elementIndex: 0, key: "xs"))
    }

    @Test func nestingAtJanssonsLimitParses() {
        let deep = String(repeating: "[", count: 2048) + String(repeating: "]", count: 2048)
        let element = RawElement(key: "xs", index: 0, byteOffset: 0, bytes: Array(deep.utf8))
        #expect(element.parse().error == nil)
    }

    @Test func emptyFile() {
        #expect(error("") == JSONStreamError(reason: "file is empty", byteOffset: 0))
        #expect(error(" \n\t ") == JSONStreamError(reason: "file is empty", byteOffset: 4))
    }

    @Test func bytesAfterTheTopLevelObject() {
        #expect(
            error(#"{"xs": []} {"#)
                == JSONStreamError(reason: "unexpected '{' after the top-level object", byteOffset: 11))
    }

    @Test func malformedScalarMemberIsAFileError() {
        #expect(
            error(#"{"flag": tru, "xs": []}"#)
                == JSONStreamError(reason: "value of 'flag': invalid token", byteOffset: 12, key: "flag"))
    }

    @Test func elementLargerThanTheBound() {
        let result = streamAll(
            temporaryFile(#"{"xs": ["\#(String(repeating: "y", count: 200))"]}"#), chunkSize: 16, maxElementBytes: 64)
        #expect(result.error?.reason == "element larger than 64 bytes")
        #expect(result.error?.elementIndex == 0)
    }

    @Test func missingFile() {
        #expect(
            streamAll("/nonexistent/policies.json").error
                == JSONStreamError(reason: "cannot open: No such file or directory", byteOffset: 0))
    }
}

extension Result {
    var error: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
