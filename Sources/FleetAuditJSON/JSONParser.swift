import CJansson

/// A syntax error jansson reported for one buffer.
public struct JSONSyntaxError: Error, Sendable, Hashable {
    /// jansson's own description ("duplicate object key", "maximum parsing depth reached", ...).
    public var reason: String
    /// Byte offset of the error inside the parsed buffer (jansson's `position`).
    public var position: Int

    public init(reason: String, position: Int) {
        self.reason = reason
        self.position = position
    }
}

/// Parses one bounded buffer (a streamed element, a top-level member value or
/// an embedded document such as an IoT `policyDocument`) with jansson.
///
/// Duplicate object keys are an error (AWS never emits them; "last one wins"
/// would let a crafted policy hide a statement from the audit).
public enum JSONParser {
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<JSONValue, JSONSyntaxError> {
        var error = json_error_t()
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else {
            return .failure(JSONSyntaxError(reason: "empty input", position: 0))
        }
        guard let root = json_loadb(base, bytes.count, fa_element_decode_flags(), &error) else {
            return .failure(JSONSyntaxError(reason: errorText(error), position: Int(error.position)))
        }
        defer { fa_json_decref(root) }
        return .success(convert(root))
    }

    public static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
        bytes.withUnsafeBytes { parse($0) }
    }

    public static func parse(_ text: String) -> Result<JSONValue, JSONSyntaxError> {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// jansson's message without its `near '<token>'` tail: the token is bytes of
    /// the input (a line of a text file linked into the snapshot, a secret), and
    /// messages never quote input; the byte offset already says where.
    static func errorText(_ error: json_error_t) -> String {
        let text = withUnsafeBytes(of: error.text) { raw in
            let chars = raw.bindMemory(to: UInt8.self)
            let length = chars.firstIndex(of: 0) ?? chars.count
            return Array(chars[0..<length])
        }
        let marker = Array(" near '".utf8)
        var end = text.count
        if text.count >= marker.count {
            for start in 0...(text.count - marker.count) where text[start..<start + marker.count].elementsEqual(marker)
            {
                end = start
                break
            }
        }
        return String(decoding: text[0..<end], as: UTF8.self)
    }

    /// Copies a jansson tree into Swift values. jansson limits nesting to 2048,
    /// so the recursion depth here is bounded by that limit.
    static func convert(_ value: UnsafeMutablePointer<json_t>) -> JSONValue {
        switch fa_json_typeof(value) {
        case Int32(JSON_OBJECT.rawValue):
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(json_object_size(value))
            var iterator = json_object_iter(value)
            while let current = iterator {
                let keyLength = json_object_iter_key_len(current)
                let key =
                    json_object_iter_key(current).map { pointer in
                        pointer.withMemoryRebound(to: UInt8.self, capacity: keyLength) {
                            String(decoding: UnsafeBufferPointer(start: $0, count: keyLength), as: UTF8.self)
                        }
                    } ?? ""
                if let child = json_object_iter_value(current) {
                    members.append((key: key, value: convert(child)))
                }
                iterator = json_object_iter_next(value, current)
            }
            return .object(JSONObject(uncheckedMembers: members))
        case Int32(JSON_ARRAY.rawValue):
            let count = json_array_size(value)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                if let child = json_array_get(value, index) { elements.append(convert(child)) }
            }
            return .array(elements)
        case Int32(JSON_STRING.rawValue):
            let length = json_string_length(value)
            guard let pointer = json_string_value(value) else { return .string("") }
            return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                .string(String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self))
            }
        case Int32(JSON_INTEGER.rawValue):
            return .integer(Int64(json_integer_value(value)))
        case Int32(JSON_REAL.rawValue):
            return .real(json_real_value(value))
        case Int32(JSON_TRUE.rawValue):
            return .bool(true)
        case Int32(JSON_FALSE.rawValue):
            return .bool(false)
        default:
            return .null
        }
    }
}

extension JSONObject {
    /// Members already known to be unique (jansson rejected duplicates).
    init(uncheckedMembers: [(key: String, value: JSONValue)]) {
        self.init(members: uncheckedMembers)
    }
}
