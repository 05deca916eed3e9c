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

    /// The size of a file in bytes; nil when it cannot be examined.
    public static func size(_ path: String) -> Int64? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Int64(status.st_size)
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
