import Crypto
import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A content hash of the snapshot files an audit reads, recorded in
/// `audit-task.json` (`snapshotDigest`) so `mitigate` can refuse an audit made
/// from other data (docs/mitigation.md, "Which snapshot an audit was made from").
///
/// SHA-256 over the files in the order of their names inside the snapshot
/// (`manifest.json`, `crls/root.crl`, ...), each as its name, a NUL byte, its
/// size as 8 bytes big-endian and its content. The files are those the checks
/// declare (`inputs`, `inputDirectories`) plus the manifest, `audit-configuration.json`
/// and `audit-suppressions.json`, resolved as the
/// audit resolves them; a file that is absent is left out (adding it later
/// changes the digest), one that cannot be read counts as its name and a marker.
/// Names and sizes are hashed too, so moving bytes from one file to another, or
/// between a file's end and the next file's start, changes the digest.
public struct SnapshotDigest: Sendable, Hashable {
    public static let algorithm = "SHA-256"

    /// 64 lowercase hexadecimal digits.
    public var sha256: String
    public var fileCount: Int
    public var byteCount: Int64

    public init(sha256: String, fileCount: Int, byteCount: Int64) {
        self.sha256 = sha256
        self.fileCount = fileCount
        self.byteCount = byteCount
    }

    /// The `snapshotDigest` member of `audit-task.json`.
    public var json: JSONValue {
        [
            "algorithm": .string(Self.algorithm), "sha256": .string(sha256), "fileCount": .integer(Int64(fileCount)),
            "byteCount": .integer(byteCount),
        ]
    }

    public init?(json: JSONValue) {
        guard json["algorithm"]?.stringValue == Self.algorithm, let sha256 = json["sha256"]?.stringValue,
            case .integer(let files)? = json["fileCount"], case .integer(let bytes)? = json["byteCount"]
        else { return nil }
        self.init(sha256: sha256, fileCount: Int(files), byteCount: bytes)
    }

    /// The digest of the files `checks` read in `snapshot`. Reads each file once,
    /// in 1 MiB blocks; memory stays constant whatever the snapshot's size.
    public static func compute(_ snapshot: Snapshot, checks: [any AuditCheck.Type]) -> SnapshotDigest {
        // The manifest, and the audit's own settings in the snapshot: they decide which
        // checks run with what thresholds and which findings are suppressed.
        var files: Set<SnapshotFile> = [.manifest, .auditConfiguration, .auditSuppressions]
        var directories: Set<SnapshotDirectory> = []
        for check in checks {
            files.formUnion(check.description.inputs)
            directories.formUnion(check.description.inputDirectories)
        }
        // (name inside the snapshot, resolved path or nil when it cannot be read)
        var entries: [(name: String, path: String?)] = []
        for file in files where !snapshot.isAbsent(file) {
            switch snapshot.locate(file) {
            case .success(let located): entries.append((located.name, located.path))
            case .failure(let problem): entries.append((problem.file, nil))
            }
        }
        for directory in directories where !snapshot.isAbsent(directory) {
            switch snapshot.files(in: directory) {
            case .success(let listed): entries += listed.map { ($0.name, $0.path) }
            case .failure: entries.append((directory.displayName, nil))
            }
        }
        entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var byteCount: Int64 = 0
        for entry in entries {
            hasher.update(data: Array(entry.name.utf8) + [0])
            // O_NONBLOCK: a FIFO swapped in since the listing must not hang the run.
            let descriptor = entry.path.map { open($0, O_RDONLY | O_NONBLOCK) } ?? -1
            var status = stat()
            guard descriptor >= 0, fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
                if descriptor >= 0 { close(descriptor) }
                hasher.update(data: [0xFF])
                continue
            }
            defer { close(descriptor) }
            let size = Int64(status.st_size)
            withUnsafeBytes(of: UInt64(bitPattern: size).bigEndian) { hasher.update(bufferPointer: $0) }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    // A read error is part of what was seen: it cannot match a complete read.
                    if count < 0 { hasher.update(data: [0xFF]) }
                    break
                }
                buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                byteCount += Int64(count)
            }
        }
        let hex = hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
        return SnapshotDigest(sha256: hex, fileCount: entries.count, byteCount: byteCount)
    }
}
