import Crypto
import FleetAuditJSON

/// Derives IDs so that a pinned run (`--task-id`, `--now`) is byte-identical.
public enum FindingIdentity {
    /// The RFC 9562 name-based (version 5, SHA-1) namespace of FleetAudit finding IDs.
    static let namespace: [UInt8] = [
        0x6f, 0x3c, 0x1e, 0x52, 0x8a, 0x4d, 0x4b, 0x7e, 0x9c, 0x21, 0x5e, 0x0d, 0x3a, 0x77, 0x41, 0x90,
    ]

    /// The finding ID: a UUID derived from the task, check, resource identifier and reason code.
    public static func findingId(
        taskId: String, checkName: String, resource: ResourceIdentifier, reasonCode: String
    ) -> String {
        uuidV5(name: [taskId, checkName, JSONWriter.compact(resource.json), reasonCode].joined(separator: "\n"))
    }

    /// A UUID version 5 of `name` in FleetAudit's namespace, lowercase.
    public static func uuidV5(name: String) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(
            separator: "-")
    }

    /// A fresh task ID in the API's form: 32 lowercase hex characters.
    public static func randomTaskId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let text = String(UInt8.random(in: 0...255, using: &generator), radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }
}
