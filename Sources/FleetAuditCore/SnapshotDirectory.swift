import FleetAuditBase
import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folders of a snapshot (`docs/snapshot-format.md`): files that are not
/// AWS CLI outputs but material the account owner supplies.
public enum SnapshotDirectory: String, Sendable, CaseIterable, Hashable {
    /// AWS IoT log entries: `*.jsonl` (one entry a line) and `*.json` (`aws logs filter-log-events`).
    case iotLogs = "iot-logs"
    /// Certificate revocation lists, PEM or DER, one per issuer.
    case crls = "crls"
    /// Intermediate CA certificates (PEM) that are not registered in AWS IoT.
    case caChain = "ca-chain"

    /// `crls/`: how messages name the folder.
    public var displayName: String { rawValue + "/" }
}

/// One regular file of a snapshot folder.
public struct DirectoryEntry: Sendable, Hashable {
    /// The name inside the snapshot, folder included (`crls/root.crl`): how problems name it.
    public var name: String
    public var path: String
}

extension Snapshot {
    /// The regular files of `directory`, sorted by name (hidden files skipped).
    /// Absent, not a folder, or listed `unavailable` in the manifest (as
    /// `crls`, `crls/` or `crls/*`) are problems that name the folder.
    ///
    /// The folder and every entry are resolved as `resolve` does: an entry that is
    /// a link outside the snapshot, a link loop, a dangling link, a FIFO, socket or
    /// device fails the whole listing with a problem naming it, so the checks that
    /// read the folder FAIL rather than complete as if the file were not there.
    /// Loops are found by device and inode: an entry that is the folder itself or
    /// one of its ancestors inside the snapshot, or a second name for a file
    /// already listed (which would be read twice). Other subfolders are not walked.
    public func files(in directory: SnapshotDirectory) -> Result<[DirectoryEntry], SnapshotProblem> {
        accessLog?.record(directory)
        let display = directory.displayName
        for name in [directory.rawValue, display, display + "*"] {
            if let reason = manifest.unavailable[name] {
                return .failure(SnapshotProblem(file: display, reason: "not collected by the exporter: \(reason)"))
            }
        }
        let folderPath = path(of: directory.rawValue)
        var linkStatus = stat()
        guard lstat(folderPath, &linkStatus) == 0 else {
            return .failure(SnapshotProblem(file: display, reason: "folder not found in the snapshot"))
        }
        let folder: String
        let folderStatus: stat
        switch resolveTarget(folderPath, name: display) {
        case .failure(let problem): return .failure(problem)
        case .success(let (real, status)):
            folder = real
            folderStatus = status
        }
        guard (folderStatus.st_mode & S_IFMT) == S_IFDIR else {
            return .failure(SnapshotProblem(file: display, reason: "not a folder"))
        }
        guard let rawListed = FileSystem.rawEntries(of: folder) else {
            return .failure(SnapshotProblem(file: display, reason: "cannot list: \(FileSystem.lastError)"))
        }
        var listed: [String] = []
        for raw in rawListed {
            // A name that is not UTF-8 cannot be opened through a String path (the
            // bytes would change): refused, and shown escaped rather than as U+FFFD.
            guard let name = String(validating: raw, as: UTF8.self) else {
                return .failure(
                    SnapshotProblem(
                        file: display + TerminalText.escape(bytes: raw), reason: "file name is not UTF-8; refused"))
            }
            listed.append(name)
        }
        // The folder and its ancestors up to the root: an entry leading back to one is a loop.
        var ancestors: Set<FileIdentity> = [FileIdentity(folderStatus)]
        var rootStatus = stat()
        if stat(root, &rootStatus) == 0 { ancestors.insert(FileIdentity(rootStatus)) }
        var seen: [FileIdentity: String] = [:]
        var entries: [DirectoryEntry] = []
        for name in listed.filter({ !$0.hasPrefix(".") }).sorted() {
            let entryName = display + name
            let real: String
            let status: stat
            switch resolveTarget(folder + "/" + name, name: entryName) {
            case .failure(let problem): return .failure(problem)
            case .success(let (resolved, resolvedStatus)):
                real = resolved
                status = resolvedStatus
            }
            let identity = FileIdentity(status)
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                if let first = seen[identity] {
                    return .failure(
                        SnapshotProblem(
                            file: entryName,
                            reason: "is the same file as \(first) (a link); refused so it is not read twice"))
                }
                seen[identity] = entryName
                entries.append(DirectoryEntry(name: entryName, path: real))
            case S_IFDIR:
                if ancestors.contains(identity) {
                    return .failure(SnapshotProblem(file: entryName, reason: "symbolic link loop; refused"))
                }
            default:
                return .failure(
                    SnapshotProblem(
                        file: entryName,
                        reason: "is \(FileSystem.kindDescription(status.st_mode)), not a regular file; refused"))
            }
        }
        return .success(entries)
    }

    /// Whether `directory` is neither in the snapshot (as a folder, link or anything else)
    /// nor declared unavailable: only then may a caller treat it as optional and empty.
    public func isAbsent(_ directory: SnapshotDirectory) -> Bool {
        accessLog?.record(directory)
        let display = directory.displayName
        let listedUnavailable = [directory.rawValue, display, display + "*"].contains {
            manifest.unavailable[$0] != nil
        }
        return !listedUnavailable && !hasEntry(directory.rawValue)
    }

    /// The bytes of a (small) file such as a CRL or a PEM bundle. `entry.path` is already
    /// resolved; the open itself refuses anything that is not a regular file (a FIFO
    /// swapped in since the listing), without reading from it.
    public static func readBytes(_ entry: DirectoryEntry) throws(SnapshotProblem) -> [UInt8] {
        switch FileSystem.readRegularFile(entry.path) {
        case .success(let bytes): return bytes
        case .failure(let refusal): throw SnapshotProblem(file: entry.name, reason: refusal.reason)
        }
    }
}

/// A file's device and inode: what identifies it across links, for loop detection.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(_ status: stat) {
        device = UInt64(truncatingIfNeeded: status.st_dev)
        inode = UInt64(truncatingIfNeeded: status.st_ino)
    }
}

/// One element of a streamed array, parsed, with where it is.
public struct StreamedElement: Sendable {
    /// Locates the element for messages (`certificates.json: element 3 (byte 812)`); its reason is empty.
    public var location: SnapshotProblem
    /// The element, or why it is not valid JSON.
    public var value: Result<JSONValue, SnapshotProblem>

    public init(location: SnapshotProblem, value: Result<JSONValue, SnapshotProblem>) {
        self.location = location
        self.value = value
    }

    /// `location` with `reason`.
    public func problem(_ reason: String) -> SnapshotProblem {
        var problem = location
        problem.reason = reason
        return problem
    }
}

/// Sequential streaming of one array of a JSON file, for the checks that read
/// inputs besides their own resource file (facts, aggregations). Memory: one
/// element at a time.
public enum SnapshotElements {
    /// Streams the primary array of `file`. Throws when the file is missing or
    /// cannot be read as a whole; a malformed element is passed on as a failure.
    public static func forEach(
        _ file: SnapshotFile, in snapshot: Snapshot, _ body: (StreamedElement) throws(SnapshotProblem) -> Void
    ) throws(SnapshotProblem) {
        let located = try snapshot.locate(file).get()
        guard let key = file.primaryArrayKey else { return }
        try forEach(path: located.path, name: located.name, form: located.form, arrayKey: key, body)
    }

    /// Streams the array `arrayKey` of the file at `path` (`name` is how messages call it);
    /// with `.lines`, every line is an element.
    public static func forEach(
        path: String, name: String, form: JSONFileForm, arrayKey: String,
        _ body: (StreamedElement) throws(SnapshotProblem) -> Void
    ) throws(SnapshotProblem) {
        try SnapshotStream(name: name, path: path, form: form, arrayKey: arrayKey).forEach(body)
    }
}
