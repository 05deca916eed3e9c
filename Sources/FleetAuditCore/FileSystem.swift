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
    /// cannot be listed (`errno` says why).
    public static func entries(of directory: String) -> [String]? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
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
