/// The snapshot files and folders that were consulted: located, listed, or
/// asked whether they are absent. A test compares what each check consults
/// on its examples with the inputs its description declares (the snapshot
/// digest and the progress total trust that declaration).
///
/// Off (nil) in every ordinary run: `Snapshot` pays one nil test per lookup,
/// and lookups happen per file, never per element.
public final class SnapshotAccessLog: @unchecked Sendable {
    private let lock = Lock()
    private var files: Set<SnapshotFile> = []
    private var directories: Set<SnapshotDirectory> = []

    public init() {}

    func record(_ file: SnapshotFile) {
        lock.withLock { _ = files.insert(file) }
    }

    func record(_ directory: SnapshotDirectory) {
        lock.withLock { _ = directories.insert(directory) }
    }

    public var consultedFiles: Set<SnapshotFile> { lock.withLock { files } }

    public var consultedDirectories: Set<SnapshotDirectory> { lock.withLock { directories } }
}
