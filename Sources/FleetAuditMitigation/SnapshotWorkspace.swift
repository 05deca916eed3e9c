import FleetAuditCore
import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The new snapshot a mitigation writes: a full copy of the input, built in a
/// temporary sibling directory and renamed to `--out` only when complete. The
/// input is only ever read; edits replace whole files atomically inside the copy.
public final class SnapshotWorkspace {
    public let finalPath: String
    public let path: String
    private var committed = false

    /// Copies every file and folder of `input` into a temporary directory beside `finalPath`.
    public init(copying input: Snapshot, to finalPath: String) throws(SnapshotProblem) {
        self.finalPath = finalPath
        let trimmed = finalPath.hasSuffix("/") ? String(finalPath.dropLast()) : finalPath
        let slash = trimmed.lastIndex(of: "/")
        let parent = slash.map { String(trimmed[..<$0]) } ?? "."
        let base = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        try OutputDirectory.createDirectories(parent.isEmpty ? "/" : parent)
        path = (parent.isEmpty ? "" : parent) + "/.\(base).tmp-\(getpid())"
        Self.remove(path)
        try Self.copyTree(from: input.directory, to: path)
    }

    deinit { if !committed { Self.remove(path) } }

    /// The copy as a snapshot, for reading what earlier actions wrote.
    public func snapshot() throws(SnapshotProblem) -> Snapshot { try Snapshot.open(path) }

    /// Replaces `file` (object form) with `object`, atomically, and drops it
    /// from the manifest's `unavailable` list: the file now holds the state.
    public func write(_ file: SnapshotFile, _ object: JSONObject) throws(SnapshotProblem) {
        let output = try OutputFile(path: path + "/" + file.jsonName)
        try output.write(JSONWriter.pretty(.object(object)) + "\n")
        try output.commit()
        try dropUnavailable(file)
    }

    private func dropUnavailable(_ file: SnapshotFile) throws(SnapshotProblem) {
        let current = try snapshot()
        guard current.isListedUnavailable(file) else { return }
        var manifest = try current.readObject(.manifest)
        let remaining = (manifest["unavailable"]?.arrayValue ?? []).filter { entry in
            let name = entry["file"]?.stringValue
            return name != file.jsonName && name != file.jsonLinesName
        }
        manifest["unavailable"] = .array(remaining)
        let output = try OutputFile(path: path + "/" + SnapshotFile.manifest.jsonName)
        try output.write(JSONWriter.pretty(.object(manifest)) + "\n")
        try output.commit()
    }

    /// Moves the finished copy to `finalPath` (which is absent or an empty directory).
    public func commit() throws(SnapshotProblem) {
        rmdir(finalPath)
        guard rename(path, finalPath) == 0 else {
            throw SnapshotProblem(file: finalPath, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    static func copyTree(from source: String, to target: String) throws(SnapshotProblem) {
        guard mkdir(target, 0o755) == 0 else {
            throw SnapshotProblem(file: target, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        guard let handle = opendir(source) else {
            throw SnapshotProblem(file: source, reason: "cannot list: \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(handle)
        for name in names.sorted() {
            let from = source + "/" + name
            let to = target + "/" + name
            var status = stat()
            guard stat(from, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                try copyTree(from: from, to: to)
            } else if (status.st_mode & S_IFMT) == S_IFREG {
                try copyFile(from: from, to: to)
            }
        }
    }

    static func copyFile(from source: String, to target: String) throws(SnapshotProblem) {
        guard let input = fopen(source, "r") else {
            throw SnapshotProblem(file: source, reason: "cannot read: \(String(cString: strerror(errno)))")
        }
        defer { fclose(input) }
        guard let output = fopen(target, "w") else {
            throw SnapshotProblem(file: target, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var failed = false
        while !failed {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, input) }
            if count == 0 { break }
            failed = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, count, output) } != count
        }
        if fclose(output) != 0 || failed || ferror(input) != 0 {
            throw SnapshotProblem(file: target, reason: "copy failed: \(String(cString: strerror(errno)))")
        }
    }

    static func remove(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR, let handle = opendir(path) {
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(handle)
            for name in names { remove(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
