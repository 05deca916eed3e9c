import FleetAuditBase
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
    /// Stands in while the manifest itself is being read.
    static let placeholder = SnapshotManifest(
        accountId: "", region: "", exportedAt: AuditTime(microsecondsSinceEpoch: 0))

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
///
/// Every file is opened through `resolve`: links are followed only while they
/// stay inside the snapshot (unless `followLinks`), and only regular files are
/// opened, so a hostile snapshot cannot make the tool read another person's
/// files or hang on a FIFO.
public struct Snapshot: Sendable {
    public let directory: String
    /// The canonical path of `directory` (`realpath`): what "inside the snapshot" means.
    public let root: String
    /// `--follow-links`: links that resolve outside `root` are followed instead of refused.
    public let followLinks: Bool
    /// Names in the directory that are not snapshot files (noted in verbose output).
    public let unknownEntries: [String]
    private let entries: Set<String>
    /// Where lookups of snapshot files and folders are recorded (nil: nowhere).
    public var accessLog: SnapshotAccessLog?

    /// Opens `directory`. Fails when it is not a directory or its manifest is
    /// missing or unreadable: then nothing can be audited.
    public static func open(_ directory: String, followLinks: Bool = false) throws(SnapshotProblem) -> Snapshot {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            throw SnapshotProblem(file: directory, reason: "snapshot directory not found")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw SnapshotProblem(file: directory, reason: "not a directory")
        }
        guard let root = FileSystem.realPath(directory) else {
            throw SnapshotProblem(file: directory, reason: "cannot resolve: \(FileSystem.lastError)")
        }
        let entries = try listDirectory(directory)
        guard entries.contains(SnapshotFile.manifest.jsonName) else {
            throw SnapshotProblem(
                file: SnapshotFile.manifest.jsonName, reason: "missing: every snapshot needs a manifest.json")
        }
        let known = Set(SnapshotFile.allCases.flatMap { [$0.jsonName, $0.jsonLinesName] })
        let knownDirectories: Set<String> = ["iot-logs", "crls", "ca-chain"]
        let unknown = entries.filter { !known.contains($0) && !knownDirectories.contains($0) }.sorted()
        var snapshot = Snapshot(
            directory: directory, root: root, followLinks: followLinks, manifest: SnapshotManifest.placeholder,
            unknownEntries: unknown, entries: entries)
        let manifestName = SnapshotFile.manifest.jsonName
        let manifestPath = try snapshot.resolve(snapshot.path(of: manifestName), name: manifestName).get()
        let manifestObject = try readWholeObject(
            LocatedFile(file: .manifest, name: manifestName, path: manifestPath, form: .object))
        snapshot.manifest = try decodeManifest(manifestObject)
        return snapshot
    }

    public private(set) var manifest: SnapshotManifest

    private init(
        directory: String, root: String, followLinks: Bool, manifest: SnapshotManifest, unknownEntries: [String],
        entries: Set<String>
    ) {
        self.directory = directory
        self.root = root
        self.followLinks = followLinks
        self.manifest = manifest
        self.unknownEntries = unknownEntries
        self.entries = entries
    }

    /// Where `path` (an entry of the snapshot, `name` in messages) may be opened: its
    /// canonical path, when every link on the way stays inside the snapshot (or
    /// `followLinks`) and it ends at a regular file. A link outside, a link loop, a
    /// dangling link, a FIFO, socket, device or directory is a problem naming `name`
    /// that never quotes the file's content (nothing is opened to decide).
    public func resolve(_ path: String, name: String) -> Result<String, SnapshotProblem> {
        switch resolveTarget(path, name: name) {
        case .failure(let problem): return .failure(problem)
        case .success(let (real, status)):
            guard (status.st_mode & S_IFMT) == S_IFREG else {
                return .failure(
                    SnapshotProblem(
                        file: name,
                        reason: "is \(FileSystem.kindDescription(status.st_mode)), not a regular file; refused"
                    ))
            }
            return .success(real)
        }
    }

    /// `resolve` without the regular-file rule: the canonical path and its `stat`.
    func resolveTarget(_ path: String, name: String) -> Result<(String, stat), SnapshotProblem> {
        var linkStatus = stat()
        guard lstat(path, &linkStatus) == 0 else {
            if errno == ENOENT {
                return .failure(SnapshotProblem(file: name, reason: "file not found in the snapshot"))
            }
            return .failure(SnapshotProblem(file: name, reason: "cannot examine: \(FileSystem.lastError)"))
        }
        guard let real = FileSystem.realPath(path) else {
            switch errno {
            case ELOOP: return .failure(SnapshotProblem(file: name, reason: "symbolic link loop; refused"))
            case ENOENT: return .failure(SnapshotProblem(file: name, reason: "symbolic link to a missing file"))
            default: return .failure(SnapshotProblem(file: name, reason: "cannot resolve: \(FileSystem.lastError)"))
            }
        }
        if !followLinks && !FileSystem.isInside(real, root: root) {
            return .failure(
                SnapshotProblem(
                    file: name,
                    reason: "symbolic link to a path outside the snapshot; refused (--follow-links allows it)"))
        }
        var status = stat()
        guard stat(real, &status) == 0 else {
            return .failure(SnapshotProblem(file: name, reason: "cannot examine: \(FileSystem.lastError)"))
        }
        return .success((real, status))
    }

    public func path(of name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Finds `file` in either form. Absent, listed `unavailable` in the manifest,
    /// or present in both forms are problems that name the file.
    public func locate(_ file: SnapshotFile) -> Result<LocatedFile, SnapshotProblem> {
        accessLog?.record(file)
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
            return resolve(path(of: file.jsonName), name: file.jsonName).map { real in
                LocatedFile(file: file, name: file.jsonName, path: real, form: .object)
            }
        case (false, true):
            return resolve(path(of: file.jsonLinesName), name: file.jsonLinesName).map { real in
                LocatedFile(file: file, name: file.jsonLinesName, path: real, form: .lines)
            }
        case (false, false):
            return .failure(SnapshotProblem(file: file.jsonName, reason: "file not found in the snapshot"))
        }
    }

    /// Whether `file` is present (in either form, readable or refused) or declared
    /// unavailable, as opposed to never exported: callers that give an absent file a
    /// default must report the problem instead when this is true, so a refused link
    /// or a FIFO is never taken for "not configured".
    public func isListedUnavailable(_ file: SnapshotFile) -> Bool {
        !isAbsent(file)
    }

    /// Whether `file` is neither in the directory (under either name) nor declared unavailable.
    public func isAbsent(_ file: SnapshotFile) -> Bool {
        accessLog?.record(file)
        return manifest.unavailable[file.jsonName] == nil && manifest.unavailable[file.jsonLinesName] == nil
            && !entries.contains(file.jsonName)
            && !(file.primaryArrayKey != nil && entries.contains(file.jsonLinesName))
    }

    /// Whether the directory has an entry called `name` (a file or folder, readable or not).
    public func hasEntry(_ name: String) -> Bool { entries.contains(name) }

    /// `file` when it is present and may be read; nil when it is absent (`isAbsent`);
    /// otherwise the problem (refused, unavailable, both forms present).
    public func locateIfPresent(_ file: SnapshotFile) throws(SnapshotProblem) -> LocatedFile? {
        if isAbsent(file) { return nil }
        return try locate(file).get()
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
