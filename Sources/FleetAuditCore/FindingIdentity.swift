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
        // Written straight into the 36 bytes of the text: this runs once per finding,
        // and sixteen `String(radix:)`s and two joins were 2% of an audit's CPU.
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = hexDigits[Int(byte >> 4)]
                text[position + 1] = hexDigits[Int(byte & 0x0F)]
                position += 2
            }
            return position
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A fresh task ID in the API's form: 32 lowercase hex characters.
    public static func randomTaskId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let text = String(UInt8.random(in: 0...255, using: &generator), radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }
}
