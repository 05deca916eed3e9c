import FleetAuditBase
import FleetAuditJSON

/// JSON arguments (`--target`, `--audit-check-to-actions-mapping`, `--auth-infos`,
/// `--actions`) as the AWS CLI takes them: inline JSON, or `file://PATH`. A bare
/// path is not JSON; when it names a file the error says "did you mean file://PATH?".
public enum CLIJSONArgument {
    public static let filePrefix = "file://"

    public static func parse(_ text: String, option: String) throws(UsageError) -> JSONValue {
        if let path = filePath(text) {
            let bytes: [UInt8]
            switch FileSystem.readRegularFile(path) {
            case .success(let read): bytes = read
            case .failure(let refusal): throw UsageError("\(option): \(path): \(refusal.reason)")
            }
            switch JSONParser.parse(String(decoding: bytes, as: UTF8.self)) {
            case .success(let value): return value
            case .failure(let error):
                throw UsageError("\(option): \(path) is not valid JSON: \(error.reason) (at byte \(error.position))")
            }
        }
        switch JSONParser.parse(text) {
        case .success(let value): return value
        case .failure(let error):
            if FileSystem.size(text) != nil {
                throw UsageError("\(option) is not JSON, but \(text) is a file: did you mean \(filePrefix)\(text)?")
            }
            throw UsageError("\(option) is not valid JSON: \(error.reason) (at byte \(error.position))")
        }
    }

    /// The path of a `file://PATH` argument, nil for anything else.
    public static func filePath(_ text: String) -> String? {
        text.hasPrefix(filePrefix) ? String(text.dropFirst(filePrefix.count)) : nil
    }

    /// Whether the argument is inline JSON rather than a path (it starts with `{` or `[`).
    public static func isInline(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first(where: { !$0.properties.isWhitespace }) else { return false }
        return first == "{" || first == "["
    }
}
