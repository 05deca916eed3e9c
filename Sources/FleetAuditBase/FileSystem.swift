#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few directory operations FleetAudit needs, in one place (POSIX calls:
/// Foundation's FileManager is not used by the engine).
public enum FileSystem {
    /// The names in `directory` other than `.` and `..`, unsorted; nil when it
    /// cannot be listed (`errno` says why). A name that is not valid UTF-8 comes
    /// back with U+FFFD in it (use `rawEntries` where that matters).
    public static func entries(of directory: String) -> [String]? {
        rawEntries(of: directory)?.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The names in `directory` as the bytes the file system holds.
    public static func rawEntries(of directory: String) -> [[UInt8]]? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        return names
    }

    /// The bytes of a small file (a settings file, a CRL, a `file://` argument);
    /// nil when it cannot be opened or read (`errno` says why).
    public static func readFile(_ path: String) -> [UInt8]? {
        guard let handle = fopen(path, "r") else { return nil }
        defer { fclose(handle) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return ferror(handle) == 0 ? result : nil
    }

    /// Whether anything is at `path` (following links).
    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// The size of a file in bytes; nil when it cannot be examined.
    public static func size(_ path: String) -> Int64? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Int64(status.st_size)
    }

    /// Whether `path` is a directory (after following links).
    public static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The canonical absolute path (`realpath(3)`: every link and `.`/`..` resolved); nil when
    /// it cannot be resolved (`errno` says why: ENOENT, ELOOP, ...).
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether the canonical path `path` is `root` or lies below it (both from `realPath`).
    public static func isInside(_ path: String, root: String) -> Bool {
        if root == "/" { return path.hasPrefix("/") }
        return path == root || path.hasPrefix(root + "/")
    }

    /// The canonical form of `path` even when its last components do not exist yet:
    /// the nearest existing ancestor resolved with `realPath`, the missing components
    /// appended. Where an output will land, so that `S/new/out` and a link into `S`
    /// are both seen to be inside `S`. Nil when no ancestor can be resolved.
    public static func resolvedThroughNearestAncestor(_ path: String) -> String? {
        let absolute = path.hasPrefix("/")
        var existing = path.split(separator: "/").map(String.init)
        var missing: [String] = []
        while true {
            let candidate = (absolute ? "/" : "") + existing.joined(separator: "/")
            if let resolved = realPath(candidate.isEmpty ? "." : candidate) {
                // `..` after a missing component cannot be resolved without guessing: refuse.
                if missing.contains("..") { return nil }
                let tail = missing.reversed().filter { $0 != "." }.joined(separator: "/")
                if tail.isEmpty { return resolved }
                return resolved == "/" ? "/" + tail : resolved + "/" + tail
            }
            guard let last = existing.popLast() else { return nil }
            missing.append(last)
        }
    }

    /// What a file is, for messages that refuse it (`a FIFO`, `a socket`, ...).
    public static func kindDescription(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// The bytes of a regular file, opened so that a FIFO, socket or device is never read:
    /// `O_NONBLOCK` keeps the open of a FIFO from waiting for a writer, and `fstat` on the
    /// opened descriptor (not the path, which may have been swapped since it was checked)
    /// refuses anything that is not a regular file. The failure is a reason for a message.
    public static func readRegularFile(_ path: String) -> Result<[UInt8], ReadRefusal> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { return .failure(ReadRefusal("cannot read: \(lastError)")) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(ReadRefusal("cannot read: \(lastError)")) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            return .failure(ReadRefusal("is \(kindDescription(status.st_mode)), not a regular file; refused"))
        }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(ReadRefusal("cannot read: \(lastError)"))
            }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return .success(result)
    }

    /// Why a file was not read (a reason for a `SnapshotProblem`).
    public struct ReadRefusal: Error, Sendable, Hashable {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    /// `strerror(errno)` as a String, for error messages.
    public static var lastError: String { String(cString: strerror(errno)) }

    /// Removes a file, or a directory and everything in it; a missing path is not an error.
    public static func removeTree(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            for name in entries(of: path) ?? [] { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
