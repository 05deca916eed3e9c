import ArgumentParser
import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditMitigation

/// The options of `fleet-audit findings`, as parsed from the command line.
public struct FindingsOptions: CommandOptions, Sendable {
    @Argument(help: "The audit's output directory (fleet-audit audit --out).")
    public var directory: String

    /// `--check-name`: the check's name (legacy and alternate names are accepted).
    @Option(name: .customLong("check-name"), help: "Only the findings of this check.")
    public var checkName: String?

    /// `--resource-identifier`: a `ResourceIdentifier` as JSON, inline or `file://path`.
    @Option(
        name: .customLong("resource-identifier"),
        help: "Only the findings of this ResourceIdentifier: JSON, inline or file://path.")
    public var resourceIdentifier: String?

    /// `--list-suppressed-findings` true, `--no-list-suppressed-findings` false, neither nil.
    @Flag(
        name: .customLong("list-suppressed-findings"), inversion: .prefixedNo,
        help: "Only suppressed findings (--no-…: only unsuppressed ones; neither: both).")
    public var listSuppressedFindings: Bool?

    /// `--severity`: FleetAudit's own filter (the API has none).
    @Option(name: .long, help: "Only the findings of this severity: CRITICAL, HIGH, MEDIUM or LOW.")
    public var severity: String?

    public init() {}

    public init(
        directory: String, checkName: String? = nil, resourceIdentifier: String? = nil,
        listSuppressedFindings: Bool? = nil, severity: String? = nil
    ) {
        // Every property is set, on a copy (see AuditOptions.init(snapshotPath:outputPath:...)).
        var options = Self()
        options.directory = directory
        options.checkName = checkName
        options.resourceIdentifier = resourceIdentifier
        options.listSuppressedFindings = listSuppressedFindings
        options.severity = severity
        self = options
    }

    public func validated() throws(UsageError) -> FindingsFilter {
        try FindingsCommandRunner.filter(self)
    }
}

/// The filters of `aws iot list-audit-findings` over one audit, with the API's meaning:
/// - `checkName`: the findings of that check;
/// - `resourceIdentifier`: the findings whose non-compliant resource has this
///   identifier (equal as JSON, member order aside);
/// - `listSuppressedFindings`: true only suppressed findings, false only
///   unsuppressed ones, not given both ("If this parameter isn't provided, the
///   response will list both suppressed and unsuppressed findings.");
/// - `severity` (not in the API): the findings of that severity.
public struct FindingsFilter: Sendable, Hashable {
    public var checkName: String?
    /// The identifier in canonical text (`FindingKey.identifierText`).
    public var identifierText: String?
    public var listSuppressedFindings: Bool?
    public var severity: Severity?

    public func matches(_ finding: JSONValue) -> Bool {
        if let checkName, finding["checkName"]?.stringValue != checkName { return false }
        if let identifierText {
            guard let identifier = finding["nonCompliantResource"]?["resourceIdentifier"],
                CanonicalJSON.text(identifier) == identifierText
            else { return false }
        }
        if let listSuppressedFindings, (finding["isSuppressed"]?.boolValue ?? false) != listSuppressedFindings {
            return false
        }
        if let severity, finding["severity"]?.stringValue != severity.rawValue { return false }
        return true
    }
}

/// Runs `fleet-audit findings DIR`: `aws iot list-audit-findings --task-id` over an audit directory.
public enum FindingsCommandRunner {
    public static func filter(_ options: FindingsOptions) throws(UsageError) -> FindingsFilter {
        var filter = FindingsFilter(listSuppressedFindings: options.listSuppressedFindings)
        if let name = options.checkName {
            switch CheckRegistry.resolve([name]) {
            case .success(let checks): filter.checkName = checks.first?.description.name
            case .failure(let unknown): throw UsageError("--check-name: " + unknown.description)
            }
        }
        if let text = options.resourceIdentifier {
            filter.identifierText = CanonicalJSON.text(try resourceIdentifier(text))
        }
        if let text = options.severity {
            guard let severity = Severity(rawValue: text.uppercased()) else {
                throw UsageError(
                    "--severity '\(text)' must be one of " + Severity.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.severity = severity
        }
        return filter
    }

    /// `--resource-identifier`: an object of `ResourceIdentifier` members, as the AWS CLI checks it.
    static func resourceIdentifier(_ text: String) throws(UsageError) -> JSONValue {
        let value = try CLIJSONArgument.parse(text, option: "--resource-identifier")
        guard let object = value.objectValue, !object.isEmpty else {
            throw UsageError(
                "--resource-identifier must be a JSON object with one of: "
                    + ResourceIdentifier.memberNames.joined(separator: ", "))
        }
        for member in object.members {
            guard ResourceIdentifier.memberNames.contains(member.key) else {
                throw UsageError(
                    "--resource-identifier: unknown member \"\(member.key)\", must be one of: "
                        + ResourceIdentifier.memberNames.joined(separator: ", "))
            }
            let nested = member.key == "policyVersionIdentifier" || member.key == "issuerCertificateIdentifier"
            let typeIsRight = nested ? member.value.objectValue != nil : member.value.stringValue != nil
            guard typeIsRight else {
                throw UsageError(
                    "--resource-identifier: \(member.key) must be \(nested ? "an object" : "a string")")
            }
        }
        return value
    }

    /// Writes the filtered `{"findings": [...]}` to `emit` as it reads, in the
    /// layout of `findings.json` (so an unfiltered run reproduces our file byte for byte).
    /// A broken `findings.json` stops it with exit status 2, the output then incomplete.
    public static func run(_ options: FindingsOptions, emit: (String) -> Void) throws(UsageError) -> CommandReport {
        let filter = try options.validated()
        let audit: AuditDirectory
        do {
            audit = try AuditDirectory.open(options.directory)
        } catch {
            return CommandReport(exitStatus: ExitStatus.nothingAudited, output: "", errorLines: [error.terminalLine])
        }
        var listed = 0
        emit("{\n    \"findings\": [")
        do throws(SnapshotProblem) {
            try audit.forEachFinding { finding, _ in
                guard filter.matches(finding) else { return }
                emit((listed == 0 ? "\n        " : ",\n        ") + JSONWriter.pretty(finding, level: 2))
                listed += 1
            }
        } catch {
            emit("\n")
            return CommandReport(exitStatus: ExitStatus.nothingAudited, output: "", errorLines: [error.terminalLine])
        }
        emit(listed > 0 ? "\n    ]\n}\n" : "]\n}\n")
        return CommandReport(exitStatus: ExitStatus.complete, output: "", errorLines: [])
    }
}

/// The options of `fleet-audit related-resources`.
public struct RelatedResourcesOptions: CommandOptions, Sendable {
    @Argument(help: "The audit's output directory (fleet-audit audit --out).")
    public var directory: String

    @Option(name: .customLong("finding-id"), help: "The finding's findingId.")
    public var findingId: String

    public init() {}

    public func validated() throws(UsageError) {
        try RelatedResourcesCommandRunner.validate(findingId: findingId)
    }
}

/// Runs `fleet-audit related-resources DIR --finding-id ID`
/// (`aws iot list-related-resources-for-audit-finding`).
public enum RelatedResourcesCommandRunner {
    /// The API's `FindingId`: 1 to 128 characters of `[a-zA-Z0-9_-]`.
    public static func validate(findingId: String) throws(UsageError) {
        guard APIIdentifier.isValid(findingId, maximumLength: 128, extra: [UInt8(ascii: "-"), UInt8(ascii: "_")]) else {
            throw UsageError(
                "--finding-id '\(findingId)' must be 1 to 128 characters of [a-zA-Z0-9_-] (the API's findingId)")
        }
    }

    /// Writes `{"relatedResources": [...]}` to `emit`: the finding's inline related
    /// resources, then those listed apart in `related-resources.jsonl` (the device
    /// certificates of a revoked intermediate CA). Nothing is written when the
    /// directory or the finding cannot be found.
    public static func run(directory: String, findingId: String, emit: (String) -> Void) throws(UsageError)
        -> CommandReport
    {
        try validate(findingId: findingId)
        let failed = { (problem: SnapshotProblem) in
            CommandReport(exitStatus: ExitStatus.nothingAudited, output: "", errorLines: [problem.terminalLine])
        }
        let audit: AuditDirectory
        var found: JSONValue? = nil
        do throws(SnapshotProblem) {
            audit = try AuditDirectory.open(directory)
            try audit.forEachFinding { finding, _ in
                if found == nil, finding["findingId"]?.stringValue == findingId { found = finding }
            }
        } catch {
            return failed(error)
        }
        guard let finding = found else {
            return failed(
                SnapshotProblem(file: audit.findingsPath, reason: "no finding has findingId '\(findingId)'"))
        }
        let listedApart =
            finding["checkName"]?.stringValue == CheckName.intermediateCARevokedForActiveDeviceCertificates.rawValue
        if listedApart && !FileSystem.exists(audit.relatedResourcesPath) {
            return failed(
                SnapshotProblem(
                    file: audit.relatedResourcesPath,
                    reason: "not found: it lists the device certificates of this finding"))
        }
        var count = 0
        func write(_ resource: JSONValue) {
            emit((count == 0 ? "\n        " : ",\n        ") + JSONWriter.pretty(resource, level: 2))
            count += 1
        }
        emit("{\n    \"relatedResources\": [")
        for resource in finding["relatedResources"]?.arrayValue ?? [] { write(resource) }
        if FileSystem.exists(audit.relatedResourcesPath) {
            do throws(SnapshotProblem) {
                try audit.forEachListedRelatedResource { id, resource in
                    if id == findingId { write(resource) }
                }
            } catch {
                emit("\n")
                return failed(error)
            }
        }
        emit(count > 0 ? "\n    ]\n}\n" : "]\n}\n")
        return CommandReport(exitStatus: ExitStatus.complete, output: "", errorLines: [])
    }
}
