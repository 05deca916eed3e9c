import ArgumentParser
import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditMitigation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a suppression is about, for `suppressions add` and `remove`: the check and the resource.
public struct SuppressionKey: ParsableArguments, Sendable {
    @Option(name: .customLong("check-name"), help: "The check whose findings are suppressed.")
    public var checkName: String

    @Option(
        name: .customLong("resource-identifier"),
        help: "The resource: JSON (inline or file://path) or shorthand such as deviceCertificateId=ID.")
    public var resourceIdentifier: String

    public init() {}

    public init(checkName: String, resourceIdentifier: String) {
        // Every property is set, on a copy (see AuditOptions.init(snapshotPath:outputPath:...)).
        var options = Self()
        options.checkName = checkName
        options.resourceIdentifier = resourceIdentifier
        self = options
    }
}

/// The options of `fleet-audit suppressions add` (besides `--file`), checked by `SuppressionsCommand.add`.
public struct SuppressionEdit: ParsableArguments, Sendable {
    @OptionGroup public var key: SuppressionKey

    @Option(
        name: .customLong("expiration-date"),
        help: "When the suppression ends: a date (midnight UTC) or an ISO 8601 time.")
    public var expirationDate: String?

    @Flag(name: .customLong("suppress-indefinitely"), help: "The suppression never ends.")
    public var suppressIndefinitely = false

    @Option(name: .long, help: "Why the findings are suppressed.")
    public var description: String?

    public init() {}

    public init(
        checkName: String, resourceIdentifier: String, expirationDate: String? = nil,
        suppressIndefinitely: Bool = false, description: String? = nil
    ) {
        // Every property is set, on a copy (see AuditOptions.init(snapshotPath:outputPath:...)).
        var options = Self()
        options.key = SuppressionKey(checkName: checkName, resourceIdentifier: resourceIdentifier)
        options.expirationDate = expirationDate
        options.suppressIndefinitely = suppressIndefinitely
        options.description = description
        self = options
    }

    public var checkName: String { key.checkName }
    public var resourceIdentifier: String { key.resourceIdentifier }
}

/// `fleet-audit suppressions add|list|remove --file FILE`: edits a suppressions
/// file (the `list-audit-suppressions` format) as the AWS CLI's
/// create-/list-/delete-audit-suppression edit an account's suppressions.
///
/// The whole file is validated before any edit (an edit never makes a bad file
/// worse or hides a problem in it), every other element and every member the
/// edit does not touch is written back as it was, and the new file replaces
/// the old one by rename: a reader sees the old file or the new one, never half.
public enum SuppressionsCommand {
    public enum Failure: Error, Sendable, Hashable {
        /// Bad command-line input (exit 64).
        case usage(String)
        /// The file cannot be read, is invalid, cannot be written, or has no such suppression (exit 2).
        case input(String)
    }

    /// The API's limit on `description`.
    static let descriptionLimit = 1000

    public static func add(file: String, _ edit: SuppressionEdit) -> Result<String, Failure> {
        let key: (check: CheckDescription, resource: ResourceIdentifier)
        switch requestKey(checkName: edit.checkName, resourceIdentifier: edit.resourceIdentifier) {
        case .success(let parsed): key = parsed
        case .failure(let failure): return .failure(failure)
        }
        var expiration: AuditTime? = nil
        switch (edit.expirationDate, edit.suppressIndefinitely) {
        case (nil, false), (.some, true):
            return .failure(.usage("give either --expiration-date or --suppress-indefinitely"))
        case (let text?, false):
            guard let time = AuditTime(suppressionDate: .string(text)) else {
                return .failure(
                    .usage(
                        "--expiration-date '\(text)' is not a date such as 2026-12-31 or an ISO 8601 time such as "
                            + "2026-12-31T12:00:00Z"))
            }
            expiration = time
        case (nil, true):
            break
        }
        if let description = edit.description, description.count > descriptionLimit {
            return .failure(
                .usage("--description is \(description.count) characters; the limit is \(descriptionLimit)"))
        }
        let suppression = AuditSuppression(
            checkName: key.check.name, resource: key.resource, expirationDate: expiration,
            suppressIndefinitely: edit.suppressIndefinitely, description: edit.description)
        var contents: FileContents
        switch read(file) {
        case .success(let read): contents = read
        case .failure(let failure): return .failure(failure)
        }
        if let index = contents.entries.firstIndex(where: { $0.sameKey(as: suppression) }) {
            return .failure(
                .input(
                    "\(file): element \(index) already suppresses \(suppression.checkName) findings on "
                        + "\(suppression.resource.displayText); remove it first"))
        }
        contents.elements.append(suppression.json)
        if let failure = write(contents, to: file) { return .failure(failure) }
        let until = expiration.map { "until \($0.iso8601)" } ?? "indefinitely"
        return .success(
            "Added: \(suppression.checkName) findings on \(suppression.resource.displayText) are suppressed "
                + "\(until). \(file) holds \(contents.elements.count) suppression(s).\n")
    }

    public static func remove(file: String, checkName: String, resourceIdentifier: String) -> Result<String, Failure> {
        let key: (check: CheckDescription, resource: ResourceIdentifier)
        switch requestKey(checkName: checkName, resourceIdentifier: resourceIdentifier) {
        case .success(let parsed): key = parsed
        case .failure(let failure): return .failure(failure)
        }
        var contents: FileContents
        switch read(file, mustExist: true) {
        case .success(let read): contents = read
        case .failure(let failure): return .failure(failure)
        }
        let matching = Set(
            contents.entries.indices.filter {
                contents.entries[$0].checkName == key.check.name && contents.entries[$0].resource == key.resource
            })
        guard !matching.isEmpty else {
            return .failure(
                .input("\(file) has no suppression of \(key.check.name) findings on \(key.resource.displayText)"))
        }
        contents.elements = contents.elements.indices.filter { !matching.contains($0) }.map { contents.elements[$0] }
        if let failure = write(contents, to: file) { return .failure(failure) }
        return .success(
            "Removed: \(key.check.name) findings on \(key.resource.displayText) are no longer suppressed. "
                + "\(file) holds \(contents.elements.count) suppression(s).\n")
    }

    /// The `list-audit-suppressions` output: earliest expiration first, indefinite ones last
    /// (the API's default `ascendingOrder`), file order among equals.
    public static func list(file: String, checkName: String?, resourceIdentifier: String?) -> Result<String, Failure> {
        var check: CheckDescription? = nil
        var resource: ResourceIdentifier? = nil
        if let checkName {
            guard let found = CheckRegistry.check(named: checkName) else {
                return .failure(.usage("--check-name: " + UnknownCheckNames(names: [checkName]).description))
            }
            check = found.description
        }
        if let resourceIdentifier {
            guard let check else { return .failure(.usage("--resource-identifier needs --check-name")) }
            switch requestKey(checkName: check.name, resourceIdentifier: resourceIdentifier) {
            case .success(let parsed): resource = parsed.resource
            case .failure(let failure): return .failure(failure)
            }
        }
        let entries: [AuditSuppression]
        switch read(file, mustExist: true) {
        case .success(let read): entries = read.entries
        case .failure(let failure): return .failure(failure)
        }
        let selected = entries.filter { entry in
            (check == nil || entry.checkName == check?.name) && (resource == nil || entry.resource == resource)
        }
        let ordered = selected.enumerated().sorted { lhs, rhs in
            let left = lhs.element.suppressIndefinitely ? nil : lhs.element.expirationDate
            let right = rhs.element.suppressIndefinitely ? nil : rhs.element.expirationDate
            switch (left, right) {
            case (let left?, let right?) where left != right: return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            default: return lhs.offset < rhs.offset
            }
        }
        let json: JSONValue = ["suppressions": .array(ordered.map(\.element.json))]
        return .success(TerminalOutput.jsonForTerminal(JSONWriter.pretty(json)) + "\n")
    }

    /// The check and the resource a command names, validated as the file's entries are.
    static func requestKey(checkName: String, resourceIdentifier: String) -> Result<
        (check: CheckDescription, resource: ResourceIdentifier), Failure
    > {
        guard let check = CheckRegistry.check(named: checkName)?.description else {
            return .failure(.usage("--check-name: " + UnknownCheckNames(names: [checkName]).description))
        }
        let json: JSONValue
        switch identifierArgument(resourceIdentifier) {
        case .success(let value): json = value
        case .failure(let failure): return .failure(failure)
        }
        if json.objectValue?.isEmpty == true {
            return .failure(
                .usage(
                    "--resource-identifier is empty: name the resource, such as "
                        + "\(ResourceIdentifier.memberName(for: check.resourceType))=ID"))
        }
        switch ResourceIdentifier.parse(json, for: check) {
        case .success(let resource): return .success((check, resource))
        case .failure(let reason): return .failure(.usage("--resource-identifier: \(reason.text)"))
        }
    }

    /// `--resource-identifier`: JSON inline or `file://path`, or the AWS CLI's
    /// shorthand, `deviceCertificateId=ID` or `policyVersionIdentifier={policyName=P,policyVersionId=1}`.
    public static func identifierArgument(_ text: String) -> Result<JSONValue, Failure> {
        let trimmed = text.trimmingCharactersInSet()
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("file://") {
            do {
                return .success(try CLIJSONArgument.parse(trimmed, option: "--resource-identifier"))
            } catch {
                return .failure(.usage(error.description))
            }
        }
        guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex else {
            return .failure(
                .usage(
                    "--resource-identifier '\(text)' is neither JSON nor shorthand such as deviceCertificateId=ID"))
        }
        let key = String(trimmed[..<equals])
        let value = trimmed[trimmed.index(after: equals)...]
        guard value.hasPrefix("{"), value.hasSuffix("}"), value.count >= 2 else {
            return .success(.object(JSONObject([(key, .string(String(value)))])))
        }
        var inner = JSONObject()
        for pair in value.dropFirst().dropLast().split(separator: ",") {
            guard let innerEquals = pair.firstIndex(of: "=") else {
                return .failure(.usage("--resource-identifier: '\(pair)' in \(key) is not name=value"))
            }
            inner[String(pair[..<innerEquals])] = .string(String(pair[pair.index(after: innerEquals)...]))
        }
        return .success(.object(JSONObject([(key, .object(inner))])))
    }

    /// A suppressions file as read: the top-level object (other members kept),
    /// its elements as they are, and their validated meaning, index for index.
    struct FileContents {
        var object: JSONObject
        var elements: [JSONValue]
        var entries: [AuditSuppression]
        var isLines: Bool
    }

    /// An absent file reads as an empty one (`add` creates it) unless it `mustExist`.
    static func read(_ file: String, mustExist: Bool = false) -> Result<FileContents, Failure> {
        let isLines = file.hasSuffix(".jsonl")
        guard FileSystem.exists(file) else {
            if mustExist { return .failure(.input("\(file): no such file")) }
            return .success(FileContents(object: JSONObject(), elements: [], entries: [], isLines: isLines))
        }
        let object: JSONObject
        do {
            object = try Snapshot.readObject(at: file, as: .auditSuppressions)
        } catch {
            return .failure(.input(error.description))
        }
        do {
            let parsed = try AuditSuppressions.parse(
                object, file: file, checks: CheckRegistry.descriptions)
            return .success(
                FileContents(
                    object: object, elements: object["suppressions"]?.arrayValue ?? [], entries: parsed.entries,
                    isLines: isLines))
        } catch {
            return .failure(.input(error.description))
        }
    }

    static func write(_ contents: FileContents, to file: String) -> Failure? {
        var object = contents.object
        object["suppressions"] = .array(contents.elements)
        let text =
            contents.isLines
            ? contents.elements.map { JSONWriter.compact($0) + "\n" }.joined()
            : JSONWriter.pretty(.object(object)) + "\n"
        do {
            let output = try OutputFile(path: file)
            try output.write(text)
            try output.commit()
            return nil
        } catch {
            return .input(error.description)
        }
    }
}
