import FleetAuditBase

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written under a temporary name and renamed into place on `commit`,
/// so a reader never sees half an output and an interrupted run leaves the
/// previous output intact.
public final class OutputFile {
    public let finalPath: String
    public let temporaryPath: String
    private var handle: UnsafeMutablePointer<FILE>?
    private let cleanupToken: Int

    public init(path: String) throws(SnapshotProblem) {
        finalPath = path
        temporaryPath = path + ".tmp-\(getpid())"
        cleanupToken = InterruptCleanup.shared.register(temporaryPath)
        handle = fopen(temporaryPath, "w")
        if handle == nil {
            InterruptCleanup.shared.unregister(cleanupToken)
            throw SnapshotProblem(file: path, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        discard()
        InterruptCleanup.shared.unregister(cleanupToken)
    }

    public func write(_ text: String) throws(SnapshotProblem) {
        guard let handle else { return }
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, handle) }
        if written != text.utf8.count {
            throw SnapshotProblem(file: finalPath, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes bytes as they are (copied input, which need not be valid UTF-8).
    public func write(bytes: ArraySlice<UInt8>) throws(SnapshotProblem) {
        guard let handle, !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        if written != bytes.count {
            throw SnapshotProblem(file: finalPath, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Copies another file's bytes (a spool) into this one.
    public func append(contentsOf path: String) throws(SnapshotProblem) {
        guard let handle, let source = fopen(path, "r") else { return }
        defer { fclose(source) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, source) }
            if count == 0 { break }
            let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, count, handle) }
            if written != count {
                throw SnapshotProblem(file: finalPath, reason: "write failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Makes the file executable (rwxr-xr-x) before it is renamed into place (a generated script).
    public func makeExecutable() throws(SnapshotProblem) {
        guard chmod(temporaryPath, 0o755) == 0 else {
            throw SnapshotProblem(
                file: finalPath, reason: "cannot make executable: \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes to disk and renames into place.
    public func commit() throws(SnapshotProblem) {
        guard let handle else { return }
        self.handle = nil
        let flushed = fflush(handle) == 0 && fsync(fileno(handle)) == 0
        fclose(handle)
        guard flushed, rename(temporaryPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw SnapshotProblem(file: finalPath, reason: "cannot write: \(reason)")
        }
    }

    public func discard() {
        guard let handle else { return }
        self.handle = nil
        fclose(handle)
        unlink(temporaryPath)
    }
}

/// Directory helpers for `--out`.
public enum OutputDirectory {
    /// Creates `path` (and parents) or accepts it when empty. A non-empty
    /// directory is refused unless `force`; with `force` it is emptied first, so
    /// no stale file of an earlier run remains (an old `mitigations/`, a
    /// `.tmp-PID` left by a killed run), but only when everything in it is
    /// something FleetAudit writes there (`owned`): `--force` replaces a previous
    /// output, it never deletes a user's other files.
    public static func prepare(
        _ path: String, force: Bool, owned: (String) -> Bool = OutputDirectory.isAuditOutputEntry
    ) throws(SnapshotProblem) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw SnapshotProblem(file: path, reason: "exists and is not a directory")
            }
            if !isEmpty(path) {
                guard force else {
                    throw SnapshotProblem(file: path, reason: "directory is not empty (use --force to overwrite)")
                }
                try clear(path, owned: owned)
            }
        } else {
            try createDirectories(path)
        }
        guard access(path, W_OK) == 0 else {
            throw SnapshotProblem(file: path, reason: "directory is not writable")
        }
    }

    /// Removes everything in `path` when every entry is `owned`; otherwise removes
    /// nothing and names the first entry that is not.
    public static func clear(_ path: String, owned: (String) -> Bool) throws(SnapshotProblem) {
        let names = (FileSystem.entries(of: path) ?? []).sorted()
        if let foreign = names.first(where: { !owned($0) }) {
            throw SnapshotProblem(
                file: path,
                reason: "holds \(TerminalText.escape(foreign)), which fleet-audit did not write; --force only "
                    + "replaces a previous output (remove it yourself or choose another directory)")
        }
        for name in names { FileSystem.removeTree(path + "/" + name) }
    }

    /// What `audit` writes in its `--out`: the two outputs, the reports of
    /// `--format` (FleetAuditReports' `ReportFormat.fileName`), the records of
    /// mitigation tasks run on it, unfinished outputs (`NAME.tmp-PID`) and spool folders.
    public static func isAuditOutputEntry(_ name: String) -> Bool {
        [
            "audit-task.json", "findings.json", AuditSource.fileName, RelatedResourceList.fileName,
            AuditNotification.outboxFileName, "mitigations", "findings.asff.json",
            "findings.csv", "findings.ocsf.json", "report.html",
        ].contains(name)
            || isTemporaryName(name)
            || name.hasPrefix(".fleet-audit-spool-")
    }

    /// `NAME.tmp-PID`, as `OutputFile` and the mitigation workspace name what they have not finished.
    public static func isTemporaryName(_ name: String) -> Bool {
        guard let dash = name.lastIndex(of: "-"), name[..<dash].hasSuffix(".tmp") else { return false }
        let digits = name[name.index(after: dash)...]
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    public static func isEmpty(_ path: String) -> Bool {
        FileSystem.entries(of: path)?.isEmpty ?? true
    }

    public static func createDirectories(_ path: String) throws(SnapshotProblem) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SnapshotProblem(file: path, reason: "cannot create: \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
    }
}

/// Where outputs may go: never into the input snapshot.
public enum OutputLocation {
    /// The refusal of an output directory that holds files, unless `force`: the
    /// same words for `audit` and `mitigate`. (What `--force` may replace is
    /// checked when the output is written.)
    public static func nonEmptyRefusal(_ path: String, option: String, force: Bool) -> String? {
        guard !force, let entries = FileSystem.entries(of: path), !entries.isEmpty else { return nil }
        return "\(option) \(path) is not empty (--force replaces a previous output there)"
    }

    /// The usage error for `path` (given as `option`) when it would land inside the
    /// snapshot at `snapshot`, or would contain it; nil when it is elsewhere.
    /// `path` is resolved through its nearest existing ancestor, so a directory
    /// still to be created (`S/new/out`) and a link into the snapshot are both
    /// seen where they lead. Raised before anything is written.
    public static func refusal(_ path: String, option: String, snapshot: String) -> String? {
        // A snapshot that cannot be resolved is reported when it is opened.
        guard let root = FileSystem.realPath(snapshot) else { return nil }
        guard let resolved = FileSystem.resolvedThroughNearestAncestor(path) else {
            return "\(option) \(path) cannot be resolved (a '..' after a directory that does not exist yet)"
        }
        if FileSystem.isInside(resolved, root: root) {
            return
                "\(option) \(path) is inside the input snapshot \(snapshot); outputs are never written into the input"
        }
        if FileSystem.isInside(root, root: resolved) {
            return "\(option) \(path) contains the input snapshot \(snapshot); outputs are never written over the input"
        }
        return nil
    }
}
