import CJansson

/// The kind of a JSON value, for readers that only look.
public enum JSONKind: Sendable, Hashable {
    case null, bool, number, string, array, object
}

/// Read access shared by `JSONValue` (an owned Swift tree) and `JSONNode` (a
/// borrowed view of jansson's tree), so a decoder written once can read
/// either: documents decoded once per element of a large file read the view
/// and skip building Swift values for members they ignore.
public protocol JSONReadable {
    var kind: JSONKind { get }
    var stringValue: String? { get }
    var boolValue: Bool? { get }
    /// The member `key` of an object.
    func member(_ key: String) -> Self?
    /// Element count of an array (0 otherwise) and the element at `index`.
    var elementCount: Int { get }
    func element(at index: Int) -> Self
    /// Each member of an object, in document order.
    func forEachMember<E: Error>(_ body: (String, Self) throws(E) -> Void) throws(E)
    /// The value as compact JSON text (for messages).
    var compactJSON: String { get }
}

extension JSONReadable {
    /// The JSON type name used in error messages ("object", "array", ...).
    public var typeName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: JSONReadable {
    public var kind: JSONKind {
        switch self {
        case .null: return .null
        case .bool: return .bool
        case .integer, .real: return .number
        case .string: return .string
        case .array: return .array
        case .object: return .object
        }
    }

    public func member(_ key: String) -> JSONValue? { self[key] }

    public var elementCount: Int { arrayValue?.count ?? 0 }

    public func element(at index: Int) -> JSONValue { arrayValue?[index] ?? .null }

    public func forEachMember<E: Error>(_ body: (String, JSONValue) throws(E) -> Void) throws(E) {
        guard case .object(let object) = self else { return }
        for (key, value) in object.members { try body(key, value) }
    }

    public var compactJSON: String { JSONWriter.compact(self) }
}

/// A borrowed view of one node of a tree jansson parsed, valid only inside the
/// closure given to `JSONParser.withTree`: it must not be stored or returned.
/// The `json_t` pointer stays inside this module.
public struct JSONNode: JSONReadable {
    let pointer: UnsafeMutablePointer<json_t>

    public var kind: JSONKind {
        switch fa_json_typeof(pointer) {
        case Int32(JSON_OBJECT.rawValue): return .object
        case Int32(JSON_ARRAY.rawValue): return .array
        case Int32(JSON_STRING.rawValue): return .string
        case Int32(JSON_INTEGER.rawValue), Int32(JSON_REAL.rawValue): return .number
        case Int32(JSON_TRUE.rawValue), Int32(JSON_FALSE.rawValue): return .bool
        default: return .null
        }
    }

    public var stringValue: String? {
        guard fa_json_typeof(pointer) == Int32(JSON_STRING.rawValue), let text = json_string_value(pointer) else {
            return nil
        }
        let length = json_string_length(pointer)
        return text.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    public var boolValue: Bool? {
        switch fa_json_typeof(pointer) {
        case Int32(JSON_TRUE.rawValue): return true
        case Int32(JSON_FALSE.rawValue): return false
        default: return nil
        }
    }

    public func member(_ key: String) -> JSONNode? {
        guard fa_json_typeof(pointer) == Int32(JSON_OBJECT.rawValue), let child = json_object_get(pointer, key) else {
            return nil
        }
        return JSONNode(pointer: child)
    }

    public var elementCount: Int {
        fa_json_typeof(pointer) == Int32(JSON_ARRAY.rawValue) ? json_array_size(pointer) : 0
    }

    public func element(at index: Int) -> JSONNode {
        JSONNode(pointer: json_array_get(pointer, index) ?? pointer)
    }

    public func forEachMember<E: Error>(_ body: (String, JSONNode) throws(E) -> Void) throws(E) {
        guard fa_json_typeof(pointer) == Int32(JSON_OBJECT.rawValue) else { return }
        var iterator = json_object_iter(pointer)
        while let current = iterator {
            let length = json_object_iter_key_len(current)
            if let key = json_object_iter_key(current), let value = json_object_iter_value(current) {
                let name = key.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
                try body(name, JSONNode(pointer: value))
            }
            iterator = json_object_iter_next(pointer, current)
        }
    }

    /// The node copied into an owned `JSONValue`.
    public var value: JSONValue { JSONParser.convert(pointer) }

    public var compactJSON: String { JSONWriter.compact(value) }
}

extension JSONParser {
    /// Parses `text` with jansson and lends its tree to `body` as a `JSONNode`;
    /// the tree is freed when `body` returns. For decoders that read a few
    /// members of each document and need no owned copy.
    public static func withTree<T>(_ text: String, _ body: (JSONNode) -> T) -> Result<T, JSONSyntaxError> {
        var text = text
        return text.withUTF8 { buffer -> Result<T, JSONSyntaxError> in
            var error = json_error_t()
            guard let base = UnsafeRawBufferPointer(buffer).baseAddress?.assumingMemoryBound(to: CChar.self) else {
                return .failure(JSONSyntaxError(reason: "empty input", position: 0))
            }
            guard let root = json_loadb(base, buffer.count, fa_element_decode_flags(), &error) else {
                return .failure(JSONSyntaxError(reason: errorText(error), position: Int(error.position)))
            }
            defer { fa_json_decref(root) }
            return .success(body(JSONNode(pointer: root)))
        }
    }
}
