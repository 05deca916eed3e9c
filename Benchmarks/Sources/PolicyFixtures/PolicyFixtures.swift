import FleetAuditBase

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a generated file lays out its policy versions.
public enum PolicyFileForm: String, Sendable {
    /// `{"policyVersions": [...]}`, pretty-printed with 4-space indentation as the AWS CLI prints it.
    case object
    /// One compact policy version per line (`policies.jsonl`).
    case lines
}

/// What a generated file holds.
public struct PolicyFileSummary: Sendable {
    public var elements: Int
    public var bytes: Int
}

/// An error writing a fixture file.
public struct PolicyFixtureError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Writes `policies.json`-shaped snapshot files for the benchmarks: one
/// `aws iot get-policy-version` output per element (`policyName`, `policyArn`,
/// `policyVersionId`, `isDefaultVersion`, `policyDocument` as a JSON string of
/// a 5-10 statement IoT policy, `creationDate`, `generationId`).
///
/// The content comes from a fixed-seed generator, so the same arguments give
/// byte-identical files and the benchmarks' malloc counts stay deterministic.
public enum PolicyFixtures {
    public static let defaultSeed: UInt64 = 0x4649_4C45_4155_4454

    /// Writes `count` policy versions, or, when `minimumBytes` is given, as many
    /// as it takes for the file to reach at least that size.
    public static func write(
        to path: String, form: PolicyFileForm, count: Int? = nil, minimumBytes: Int? = nil,
        seed: UInt64 = defaultSeed
    ) throws(PolicyFixtureError) -> PolicyFileSummary {
        guard let file = fopen(path, "wb") else {
            throw PolicyFixtureError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var writer = BufferedWriter(file: file)
        var random = SplitMix64(state: seed)
        var elements = 0
        func more() -> Bool {
            if let count { return elements < count }
            if let minimumBytes { return writer.written < minimumBytes }
            return false
        }
        if form == .object { writer.append("{\n    \"policyVersions\": [\n") }
        while more() {
            let element = policyVersion(index: elements, random: &random)
            switch form {
            case .object:
                if elements > 0 { writer.append(",\n") }
                writer.append(element.pretty)
            case .lines:
                writer.append(element.compact)
                writer.append("\n")
            }
            elements += 1
        }
        if form == .object { writer.append(elements > 0 ? "\n    ]\n}\n" : "    ]\n}\n") }
        let flushed = writer.flush()
        let closed = fclose(file) == 0
        guard flushed, closed else {
            throw PolicyFixtureError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return PolicyFileSummary(elements: elements, bytes: writer.written)
    }

    // MARK: - Content

    private static let account = "123456789012"
    private static let region = "us-east-1"
    private static var iotARN: String { "arn:aws:iot:\(region):\(account)" }

    private struct Element {
        var pretty: String
        var compact: String
    }

    /// Two versions per policy; the second is the default.
    private static func policyVersion(index: Int, random: inout SplitMix64) -> Element {
        let policyName = "fleet-policy-" + padded(index / 2, width: 6)
        let versionId = String(index % 2 + 1)
        let isDefault = index % 2 == 1
        let document = escaped(policyDocument(random: &random))
        let creationDate = "\(1_764_145_200 + index * 37).\(padded(Int(random.next() % 1000), width: 3))"
        var generationId = ""
        for _ in 0..<4 { generationId += hex64(random.next()) }

        let members: [(String, String)] = [
            ("policyName", "\"\(policyName)\""),
            ("policyArn", "\"\(iotARN):policy/\(policyName)\""),
            ("policyVersionId", "\"\(versionId)\""),
            ("isDefaultVersion", isDefault ? "true" : "false"),
            ("policyDocument", "\"\(document)\""),
            ("creationDate", creationDate),
            ("generationId", "\"\(generationId)\""),
        ]
        let pretty =
            "        {\n"
            + members.map { "            \"\($0.0)\": \($0.1)" }.joined(separator: ",\n")
            + "\n        }"
        let compact = "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        return Element(pretty: pretty, compact: compact)
    }

    private static let thing = "${iot:Connection.Thing.ThingName}"

    /// A pretty-printed (2-space) IoT policy of 5 to 10 statements, as `get-policy-version` returns it.
    private static func policyDocument(random: inout SplitMix64) -> String {
        let statementCount = 5 + Int(random.next() % 6)
        var statements: [String] = []
        for _ in 0..<statementCount {
            let effect = random.next() % 8 == 0 ? "Deny" : "Allow"
            let actions: [String]
            let resources: [String]
            switch random.next() % 8 {
            case 0:
                actions = ["iot:Connect"]
                resources = ["\(iotARN):client/\(thing)"]
            case 1:
                actions = ["iot:Publish"]
                resources = [
                    "\(iotARN):topic/$aws/things/\(thing)/shadow/update",
                    "\(iotARN):topic/fleet/telemetry/${iot:ClientId}",
                ]
            case 2:
                actions = ["iot:Subscribe"]
                resources = [
                    "\(iotARN):topicfilter/$aws/things/\(thing)/shadow/update/accepted",
                    "\(iotARN):topicfilter/$aws/things/\(thing)/shadow/update/rejected",
                ]
            case 3:
                actions = ["iot:Receive"]
                resources = ["\(iotARN):topic/$aws/things/\(thing)/shadow/*"]
            case 4:
                actions = ["iot:Publish", "iot:Receive"]
                resources = ["\(iotARN):topic/fleet/commands/\(thing)"]
            case 5:
                actions = ["iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"]
                resources = ["\(iotARN):thing/\(thing)"]
            case 6:
                actions = ["iot:GetRetainedMessage", "iot:ListRetainedMessages"]
                resources = ["\(iotARN):topic/fleet/config/*"]
            default:
                actions = ["iot:*"]
                resources = ["*"]
            }
            var statement = "    {\n      \"Effect\": \"\(effect)\",\n"
            statement += "      \"Action\": \(listOrOne(actions)),\n"
            statement += "      \"Resource\": \(listOrOne(resources))"
            if random.next() % 4 == 0 {
                statement +=
                    ",\n      \"Condition\": {\n        \"Bool\": {\n"
                    + "          \"iot:Connection.Thing.IsAttached\": \"true\"\n        }\n      }"
            }
            statement += "\n    }"
            statements.append(statement)
        }
        return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n"
            + statements.joined(separator: ",\n") + "\n  ]\n}"
    }

    private static func listOrOne(_ values: [String]) -> String {
        if values.count == 1 { return "\"\(values[0])\"" }
        return "[\n" + values.map { "        \"\($0)\"" }.joined(separator: ",\n") + "\n      ]"
    }

    /// The document as the body of a JSON string (it holds no other control characters).
    private static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        for character in text.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    private static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Appends to a 1 MiB buffer and writes it out when full.
private struct BufferedWriter {
    let file: UnsafeMutablePointer<FILE>
    var buffer: [UInt8] = []
    var written = 0
    var failed = false

    init(file: UnsafeMutablePointer<FILE>) {
        self.file = file
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        written += text.utf8.count
        if buffer.count >= 1 << 20 { _ = flush() }
    }

    mutating func flush() -> Bool {
        if !buffer.isEmpty {
            let count = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            if count != buffer.count { failed = true }
            buffer.removeAll(keepingCapacity: true)
        }
        return !failed
    }
}
