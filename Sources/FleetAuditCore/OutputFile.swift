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
    /// Creates `path` (and parents) or accepts it when empty; a non-empty
    /// directory is refused unless `force`.
    public static func prepare(_ path: String, force: Bool) throws(SnapshotProblem) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw SnapshotProblem(file: path, reason: "exists and is not a directory")
            }
            if !force && !isEmpty(path) {
                throw SnapshotProblem(file: path, reason: "directory is not empty (use --force to overwrite)")
            }
        } else {
            try createDirectories(path)
        }
        guard access(path, W_OK) == 0 else {
            throw SnapshotProblem(file: path, reason: "directory is not writable")
        }
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
