import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `manifest.json`: who exported the snapshot, when, and what could not be collected.
public struct SnapshotManifest: Sendable, Hashable {
    public var accountId: String
    public var region: String
    public var exportedAt: AuditTime
    /// File name → the exporter's reason it could not be collected.
    public var unavailable: [String: String]

    public init(accountId: String, region: String, exportedAt: AuditTime, unavailable: [String: String] = [:]) {
        self.accountId = accountId
        self.region = region
        self.exportedAt = exportedAt
        self.unavailable = unavailable
    }
}

/// A snapshot file that exists and may be read, in one of its two forms.
public struct LocatedFile: Sendable, Hashable {
    public var file: SnapshotFile
    /// The name as it stands in the directory (`certificates.jsonl`).
    public var name: String
    public var path: String
    public var form: JSONFileForm
}

/// An opened snapshot directory. Opening reads only the manifest and the
/// directory listing; files are streamed later, by the checks that need them.
public struct Snapshot: Sendable {
    public let directory: String
    public let manifest: SnapshotManifest
    /// Names in the directory that are not snapshot files (noted in verbose output).
    public let unknownEntries: [String]
    private let entries: Set<String>

    /// Opens `directory`. Fails when it is not a directory or its manifest is
    /// missing or unreadable: then nothing can be audited.
    public static func open(_ directory: String) throws(SnapshotProblem) -> Snapshot {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            throw SnapshotProblem(file: directory, reason: "snapshot directory not found")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw SnapshotProblem(file: directory, reason: "not a directory")
        }
        let entries = try listDirectory(directory)
        guard entries.contains(SnapshotFile.manifest.jsonName) else {
            throw SnapshotProblem(
                file: SnapshotFile.manifest.jsonName, reason: "missing: every snapshot needs a manifest.json")
        }
        let path = directory.hasSuffix("/") ? directory : directory + "/"
        let manifestObject = try readWholeObject(
            LocatedFile(
                file: .manifest, name: SnapshotFile.manifest.jsonName, path: path + SnapshotFile.manifest.jsonName,
                form: .object))
        let manifest = try decodeManifest(manifestObject)
        let known = Set(SnapshotFile.allCases.flatMap { [$0.jsonName, $0.jsonLinesName] })
        let knownDirectories: Set<String> = ["iot-logs", "crls", "ca-chain"]
        let unknown = entries.filter { !known.contains($0) && !knownDirectories.contains($0) }.sorted()
        return Snapshot(directory: directory, manifest: manifest, unknownEntries: unknown, entries: entries)
    }

    private init(directory: String, manifest: SnapshotManifest, unknownEntries: [String], entries: Set<String>) {
        self.directory = directory
        self.manifest = manifest
        self.unknownEntries = unknownEntries
        self.entries = entries
    }

    public func path(of name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Finds `file` in either form. Absent, listed `unavailable` in the manifest,
    /// or present in both forms are problems that name the file.
    public func locate(_ file: SnapshotFile) -> Result<LocatedFile, SnapshotProblem> {
        let hasObjectForm = entries.contains(file.jsonName)
        let hasLinesForm = file.primaryArrayKey != nil && entries.contains(file.jsonLinesName)
        for name in [file.jsonName, file.jsonLinesName] {
            if let reason = manifest.unavailable[name] {
                return .failure(SnapshotProblem(file: name, reason: "not collected by the exporter: \(reason)"))
            }
        }
        switch (hasObjectForm, hasLinesForm) {
        case (true, true):
            return .failure(
                SnapshotProblem(
                    file: file.jsonName,
                    reason: "both \(file.jsonName) and \(file.jsonLinesName) exist; a snapshot must hold only one"))
        case (true, false):
            return .success(LocatedFile(file: file, name: file.jsonName, path: path(of: file.jsonName), form: .object))
        case (false, true):
            return .success(
                LocatedFile(file: file, name: file.jsonLinesName, path: path(of: file.jsonLinesName), form: .lines))
        case (false, false):
            return .failure(SnapshotProblem(file: file.jsonName, reason: "file not found in the snapshot"))
        }
    }

    /// Whether `file` is present or declared unavailable (as opposed to never exported).
    public func isListedUnavailable(_ file: SnapshotFile) -> Bool {
        manifest.unavailable[file.jsonName] != nil || manifest.unavailable[file.jsonLinesName] != nil
    }

    /// Reads a small file whole (settings files such as `logging-options.json`).
    /// Any malformed element fails the read: such files describe one thing.
    public func readObject(_ file: SnapshotFile) throws(SnapshotProblem) -> JSONObject {
        try Snapshot.readWholeObject(try locate(file).get())
    }

    /// Reads a file outside any snapshot (e.g. `--actions FILE`) in the format of `file`.
    public static func readObject(at path: String, as file: SnapshotFile) throws(SnapshotProblem) -> JSONObject {
        let form: JSONFileForm = path.hasSuffix(".jsonl") ? .lines : .object
        return try readWholeObject(LocatedFile(file: file, name: path, path: path, form: form))
    }

    /// Reads a JSON object file outside any snapshot whole (an audit's `audit-task.json`).
    public static func readObject(at path: String) throws(SnapshotProblem) -> JSONObject {
        try readWholeObject(LocatedFile(file: .manifest, name: path, path: path, form: .object))
    }

    static func readWholeObject(_ located: LocatedFile) throws(SnapshotProblem) -> JSONObject {
        let stream: JSONElementStream
        do {
            stream = try JSONElementStream(path: located.path, form: located.form)
        } catch {
            throw SnapshotProblem(file: located.name, error)
        }
        var object = JSONObject()
        var arrayElements: [JSONValue] = []
        do {
            while let event = try stream.next() {
                switch event {
                case .member(let key, let value, _):
                    object[key] = value
                case .arrayStart:
                    arrayElements = []
                case .element(let element):
                    switch element.parse() {
                    case .success(let value): arrayElements.append(value)
                    case .failure(let error): throw SnapshotProblem(file: located.name, error)
                    }
                case .arrayEnd(let key, _):
                    object[key] = .array(arrayElements)
                }
            }
        } catch {
            throw SnapshotProblem(file: located.name, caught: error)
        }
        if located.form == .lines, let key = located.file.primaryArrayKey {
            object[key] = .array(arrayElements)
        }
        return object
    }

    private static func decodeManifest(_ object: JSONObject) throws(SnapshotProblem) -> SnapshotManifest {
        let name = SnapshotFile.manifest.jsonName
        guard let accountId = object["accountId"]?.stringValue else {
            throw SnapshotProblem(file: name, reason: "'accountId' is missing or not a string")
        }
        guard accountId.count == 12, accountId.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw SnapshotProblem(file: name, reason: "'accountId' must be 12 digits, found '\(accountId)'")
        }
        guard let region = object["region"]?.stringValue, !region.isEmpty else {
            throw SnapshotProblem(file: name, reason: "'region' is missing or not a string")
        }
        guard let exportedValue = object["exportedAt"] else {
            throw SnapshotProblem(file: name, reason: "'exportedAt' is missing (it is the audit clock)")
        }
        guard let exportedAt = AuditTime(json: exportedValue) else {
            throw SnapshotProblem(
                file: name, reason: "'exportedAt' is not a timestamp: \(JSONWriter.compact(exportedValue))")
        }
        var unavailable: [String: String] = [:]
        if let list = object["unavailable"] {
            guard let entries = list.arrayValue else {
                throw SnapshotProblem(file: name, reason: "'unavailable' must be an array")
            }
            for (index, entry) in entries.enumerated() {
                guard let file = entry["file"]?.stringValue else {
                    throw SnapshotProblem(file: name, reason: "'unavailable' entry \(index) has no 'file' string")
                }
                unavailable[file] = entry["reason"]?.stringValue ?? "no reason given"
            }
        }
        return SnapshotManifest(accountId: accountId, region: region, exportedAt: exportedAt, unavailable: unavailable)
    }

    private static func listDirectory(_ directory: String) throws(SnapshotProblem) -> Set<String> {
        guard let names = FileSystem.entries(of: directory) else {
            throw SnapshotProblem(file: directory, reason: "cannot list: \(FileSystem.lastError)")
        }
        return Set(names)
    }
}

extension AuditTime {
    /// A snapshot timestamp in any of its three forms: epoch seconds, epoch
    /// milliseconds (numbers above 10^11) or an ISO 8601 string.
    public init?(json: JSONValue) {
        switch json {
        case .integer(let number): self.init(epochNumber: Double(number))
        case .real(let number): self.init(epochNumber: number)
        case .string(let text): self.init(iso8601: text)
        default: return nil
        }
    }
}
