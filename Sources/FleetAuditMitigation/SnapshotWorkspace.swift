import FleetAuditBase
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
///
/// The copy takes regular files only. A link inside the snapshot gives its
/// target's content; a link that leads outside it, a link loop (found by device
/// and inode), a dangling link, a FIFO, socket or device stops the task before
/// anything is written, so another person's files never leave with the copy.
///
/// Small settings files are rewritten whole (`write`). Edits of large arrays
/// (certificates, policy versions) are queued by resource key and applied in
/// one streamed pass per file when the workspace is finished. That pass splices:
/// every byte outside the edited elements is copied from the original file as
/// it is (numbers such as `1.0e+2` or `-0`, escapes such as `\/`, bytes that
/// are not UTF-8, whitespace), so a task that touches a thousand certificates of
/// a million changes only those thousand elements.
public final class SnapshotWorkspace {
    public let finalPath: String
    public let path: String
    /// Whether `commit` replaces a previous output at `finalPath` (`--force`).
    public let replacing: Bool
    private var committed = false
    private let cleanupToken: Int

    private var queuedEdits: [SnapshotFile: [String: [ElementEdit]]] = [:]
    private var appended: [SnapshotFile: [JSONValue]] = [:]

    /// Copies every file and folder of `input` into a temporary directory beside `finalPath`.
    public init(copying input: Snapshot, to finalPath: String, replacing: Bool = false) throws(SnapshotProblem) {
        self.finalPath = finalPath
        self.replacing = replacing
        let trimmed = finalPath.hasSuffix("/") ? String(finalPath.dropLast()) : finalPath
        let slash = trimmed.lastIndex(of: "/")
        let parent = slash.map { String(trimmed[..<$0]) } ?? "."
        let base = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        let parentPath = parent.isEmpty ? "/" : parent
        path = (parent.isEmpty ? "" : parent) + "/.\(base).tmp-\(getpid())"
        cleanupToken = InterruptCleanup.shared.register(path)
        // Everything is planned before anything is written: a refused entry stops the task here.
        let plan = try Self.planCopy(of: input.root)
        try OutputDirectory.createDirectories(parentPath)
        Self.removeStaleCopies(in: parentPath, base: base)
        Self.remove(path)
        do {
            try Self.execute(plan, into: path)
        } catch {
            Self.remove(path)
            throw error
        }
    }

    deinit {
        if !committed { Self.remove(path) }
        InterruptCleanup.shared.unregister(cleanupToken)
    }

    /// The copy as a snapshot, for reading what earlier actions wrote.
    public func snapshot() throws(SnapshotProblem) -> Snapshot { try Snapshot.open(path) }

    /// Replaces `file` (object form) with `object`, atomically, and drops it
    /// from the manifest's `unavailable` list: the file now holds the state.
    private func write(_ file: SnapshotFile, _ object: JSONObject) throws(SnapshotProblem) {
        let output = try OutputFile(path: path + "/" + file.jsonName)
        try output.write(JSONWriter.pretty(.object(object)) + "\n")
        try output.commit()
        try dropUnavailable(file)
    }

    private func dropUnavailable(_ file: SnapshotFile) throws(SnapshotProblem) {
        let current = try snapshot()
        guard
            current.manifest.unavailable[file.jsonName] != nil
                || current.manifest.unavailable[file.jsonLinesName] != nil
        else { return }
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

    /// The key that identifies an element of `file`'s primary array for queued edits.
    public static func elementKey(_ file: SnapshotFile, _ element: JSONValue) -> String? {
        switch file {
        case .certificates, .caCertificates: return element["certificateId"]?.stringValue
        case .policies, .policyTargets: return element["policyName"]?.stringValue
        case .things: return element["thingName"]?.stringValue
        case .thingGroups, .thingGroupMembers: return element["thingGroupName"]?.stringValue
        case .thingPrincipals: return element["principal"]?.stringValue
        case .roleAliases: return element["roleAlias"]?.stringValue
        default: return nil
        }
    }

    /// Applies one edit of a completed execution. A settings file is replaced at once,
    /// so later executions read it; element edits and appends are queued and applied
    /// in one streamed pass per file by `commit`.
    public func apply(_ edit: SnapshotEdit) throws(SnapshotProblem) {
        switch edit {
        case .replaceObject(let file, let object): try write(file, object)
        case .editElements(let edit): queueEdit(edit)
        case .appendElement(let file, let element): queueAppend(file, element)
        }
    }

    /// Queues `edit`; edits of one element apply in the order queued.
    public func queueEdit(_ edit: ElementEdit) {
        queuedEdits[edit.file, default: [:]][edit.key, default: []].append(edit)
    }

    /// Queues `element` to be added at the end of `file`'s primary array (creating the file if absent).
    public func queueAppend(_ file: SnapshotFile, _ element: JSONValue) {
        appended[file, default: []].append(element)
    }

    /// Applies the queued edits, one streamed pass per edited file.
    public func applyQueuedEdits() throws(SnapshotProblem) {
        let files = Set(queuedEdits.keys).union(appended.keys).sorted()
        for file in files {
            let edits = QueuedElementEdits(file: file, byKey: queuedEdits[file] ?? [:])
            try rewrite(file, edits: edits, appending: appended[file] ?? [])
        }
        queuedEdits = [:]
        appended = [:]
    }

    /// Writes `file` with its queued edits and appends: created from the appends when
    /// absent, otherwise spliced from the original bytes.
    private func rewrite(_ file: SnapshotFile, edits: QueuedElementEdits, appending: [JSONValue])
        throws(SnapshotProblem)
    {
        guard let arrayKey = file.primaryArrayKey else { return }
        // Edits queued after an append apply to the appended element too.
        let added = appending.flatMap(edits.applied(to:))
        guard case .success(let located) = try snapshot().locate(file) else {
            // Absent: only appends can create it.
            guard !appending.isEmpty else { return }
            try write(file, JSONObject([(arrayKey, .array(added))]))
            return
        }
        let output = try OutputFile(path: located.path)
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            let original = try SplicedCopy(reading: located.path, into: output, name: located.name)
            if located.form == .lines {
                try Self.spliceLines(stream, original: original, output: output, edits: edits, adding: added)
            } else {
                var splice = ArraySplice(original: original, output: output)
                while let event = try stream.next() {
                    switch event {
                    case .member: continue
                    case .arrayStart(let key, let offset):
                        if key == arrayKey { splice.start(at: offset) }
                    case .element(let element):
                        if element.key == arrayKey {
                            try splice.element(element, becomes: edits.replacement(for: element))
                        }
                    case .arrayEnd(let key, _):
                        if key == arrayKey { try splice.end(adding: added) }
                    }
                }
                try original.copyToEnd()
            }
        } catch {
            throw SnapshotProblem(file: located.name, caught: error)
        }
        try output.commit()
    }

    /// A JSON Lines file: each edited line replaced by its elements (one a line), a
    /// removed line dropped with its line ending, then the appended elements.
    private static func spliceLines(
        _ stream: JSONElementStream, original: SplicedCopy, output: OutputFile, edits: QueuedElementEdits,
        adding added: [JSONValue]
    ) throws {
        while let event = try stream.next() {
            guard case .element(let element) = event, let replacement = edits.replacement(for: element) else {
                continue
            }
            let end = element.byteOffset + Int64(element.bytes.count)
            try original.copy(upTo: element.byteOffset)
            if replacement.isEmpty {
                original.skip(to: end + original.lineEndingLength(at: end))
            } else {
                try output.write(replacement.map(JSONWriter.compact).joined(separator: "\n"))
                original.skip(to: end)
            }
        }
        try original.copyToEnd()
        guard !added.isEmpty else { return }
        if let lastByte = original.lastByteCopied, lastByte != 0x0A { try output.write("\n") }
        for value in added { try output.write(JSONWriter.compact(value) + "\n") }
    }

    /// Moves the finished copy to `finalPath` (absent, an empty directory, or with
    /// `replacing` a previous output, which is removed first so nothing stale remains).
    public func commit() throws(SnapshotProblem) {
        try applyQueuedEdits()
        if replacing {
            var status = stat()
            if lstat(finalPath, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR { Self.remove(finalPath) }
        } else {
            rmdir(finalPath)
        }
        guard rename(path, finalPath) == 0 else {
            throw SnapshotProblem(file: finalPath, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    /// One step of the copy: a folder to create or a regular file to copy (from its resolved path).
    enum CopyStep: Equatable {
        case folder(String)
        case file(relative: String, source: String)
    }

    /// Walks the snapshot at `root` (canonical) and lists what the copy will do, or
    /// stops at the first entry that must not be copied, naming it. Folders are
    /// identified by device and inode: a folder reached a second time (a link back
    /// to an ancestor, `ln -s . loop/a`, or a second link to one folder) is refused,
    /// so the walk is bounded by the snapshot's real size.
    static func planCopy(of root: String) throws(SnapshotProblem) -> [CopyStep] {
        var steps: [CopyStep] = []
        var visited: Set<FileIdentity> = []
        var rootStatus = stat()
        guard stat(root, &rootStatus) == 0 else {
            throw SnapshotProblem(file: root, reason: "cannot examine: \(FileSystem.lastError)")
        }
        visited.insert(FileIdentity(rootStatus))
        try planFolder(root, relative: "", root: root, steps: &steps, visited: &visited)
        return steps
    }

    private static func planFolder(
        _ folder: String, relative: String, root: String, steps: inout [CopyStep], visited: inout Set<FileIdentity>
    ) throws(SnapshotProblem) {
        let display = relative.isEmpty ? "the snapshot" : relative + "/"
        guard let raw = FileSystem.rawEntries(of: folder) else {
            throw SnapshotProblem(file: display, reason: "cannot list: \(FileSystem.lastError)")
        }
        var names: [String] = []
        for bytes in raw {
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw refusal(relative + TerminalText.escape(bytes: bytes), "file name is not UTF-8")
            }
            names.append(name)
        }
        for name in names.sorted() {
            let entryRelative = relative.isEmpty ? name : relative + "/" + name
            let entryPath = folder + "/" + name
            guard let real = FileSystem.realPath(entryPath) else {
                switch errno {
                case ELOOP: throw refusal(entryRelative, "is a symbolic link loop")
                case ENOENT: throw refusal(entryRelative, "is a symbolic link to a missing file")
                default: throw refusal(entryRelative, "cannot be resolved: \(FileSystem.lastError)")
                }
            }
            guard FileSystem.isInside(real, root: root) else {
                throw refusal(entryRelative, "is a symbolic link to a path outside the snapshot")
            }
            var status = stat()
            guard stat(real, &status) == 0 else {
                throw refusal(entryRelative, "cannot be examined: \(FileSystem.lastError)")
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                steps.append(.file(relative: entryRelative, source: real))
            case S_IFDIR:
                guard visited.insert(FileIdentity(status)).inserted else {
                    throw refusal(entryRelative, "leads to a folder already copied (a symbolic link loop)")
                }
                steps.append(.folder(entryRelative))
                try planFolder(real, relative: entryRelative, root: root, steps: &steps, visited: &visited)
            default:
                throw refusal(entryRelative, "is \(FileSystem.kindDescription(status.st_mode)), not a regular file")
            }
        }
    }

    private static func refusal(_ name: String, _ reason: String) -> SnapshotProblem {
        SnapshotProblem(file: name, reason: reason + "; the copy stopped before anything was written")
    }

    static func execute(_ steps: [CopyStep], into target: String) throws(SnapshotProblem) {
        guard mkdir(target, 0o755) == 0 else {
            throw SnapshotProblem(file: target, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        for step in steps {
            switch step {
            case .folder(let relative):
                guard mkdir(target + "/" + relative, 0o755) == 0 else {
                    throw SnapshotProblem(file: target, reason: "cannot create: \(String(cString: strerror(errno)))")
                }
            case .file(let relative, let source):
                try copyFile(from: source, to: target + "/" + relative, name: relative)
            }
        }
    }

    /// Copies a regular file byte for byte; the open refuses a FIFO or device swapped
    /// in since the plan (`O_NONBLOCK`, then `fstat` on the descriptor).
    static func copyFile(from source: String, to target: String, name: String) throws(SnapshotProblem) {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard input >= 0 else {
            throw SnapshotProblem(file: name, reason: "cannot read: \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        var status = stat()
        guard fstat(input, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw refusal(name, "is not a regular file")
        }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else {
            throw SnapshotProblem(file: target, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var failure: String? = nil
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = buffer[written..<count].withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    break copying
                }
                written += result
            }
        }
        if close(output) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if let failure { throw SnapshotProblem(file: target, reason: "copy failed: \(failure)") }
    }

    /// Removes `.BASE.tmp-PID` copies left in `parent` by runs that no longer exist
    /// (killed with SIGKILL, or a crash); a copy of a running process is left alone.
    static func removeStaleCopies(in parent: String, base: String) {
        let prefix = ".\(base).tmp-"
        for name in FileSystem.entries(of: parent) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { remove(parent + "/" + name) }
        }
    }

    static func remove(_ path: String) { FileSystem.removeTree(path) }
}

/// The edits queued for one file, by element key.
struct QueuedElementEdits {
    let file: SnapshotFile
    let byKey: [String: [ElementEdit]]

    /// What replaces `value`, or nil when no edit names its key.
    func replacement(for value: JSONValue) -> [JSONValue]? {
        guard let key = SnapshotWorkspace.elementKey(file, value), let chain = byKey[key] else { return nil }
        var results = [value]
        for edit in chain { results = results.flatMap(edit.apply(to:)) }
        return results
    }

    /// What replaces a streamed element; nil when it is not edited. A malformed
    /// element is copied as it is.
    func replacement(for element: RawElement) -> [JSONValue]? {
        guard !byKey.isEmpty, case .success(let value) = element.parse() else { return nil }
        return replacement(for: value)
    }

    func applied(to value: JSONValue) -> [JSONValue] { replacement(for: value) ?? [value] }
}

/// The primary array of an object-form file, spliced: the original bytes copied
/// through, edited elements written pretty at their place, removed ones left out
/// with the separator before them (after them, for the first elements), appended
/// ones written before the `]`.
struct ArraySplice {
    let original: SplicedCopy
    let output: OutputFile
    /// The offset of the array's `[`.
    private var arrayOpen: Int64 = 0
    /// The end of the last element kept (nil: none yet).
    private var lastKeptEnd: Int64? = nil
    /// The first elements were removed: the separator after them goes with the next kept one.
    private var skipNextGap = false

    init(original: SplicedCopy, output: OutputFile) {
        self.original = original
        self.output = output
    }

    mutating func start(at offset: Int64) {
        arrayOpen = offset
        lastKeptEnd = nil
        skipNextGap = false
    }

    /// One element of the array: kept (`replacement` nil), removed (empty) or replaced.
    mutating func element(_ element: RawElement, becomes replacement: [JSONValue]?) throws(SnapshotProblem) {
        let end = element.byteOffset + Int64(element.bytes.count)
        if skipNextGap && replacement?.isEmpty != true {
            // The first elements were removed: the ", " before this one goes too.
            original.skip(to: element.byteOffset)
            skipNextGap = false
        }
        guard let replacement else {
            lastKeptEnd = end
            return
        }
        if replacement.isEmpty {
            if let kept = lastKeptEnd {
                // Drop the separator before it and the element itself.
                try original.copy(upTo: kept)
            } else if !skipNextGap {
                try original.copy(upTo: element.byteOffset)
                skipNextGap = true
            }
            original.skip(to: end)
            return
        }
        try original.copy(upTo: element.byteOffset)
        try output.write(replacement.map { JSONWriter.pretty($0, level: 2) }.joined(separator: ",\n        "))
        original.skip(to: end)
        lastKeptEnd = end
    }

    /// The array's `]`: the appended elements go before it.
    func end(adding added: [JSONValue]) throws(SnapshotProblem) {
        guard !added.isEmpty else { return }
        try original.copy(upTo: max(original.position, lastKeptEnd ?? arrayOpen + 1))
        var first = lastKeptEnd == nil
        for value in added {
            try output.write((first ? "\n        " : ",\n        ") + JSONWriter.pretty(value, level: 2))
            first = false
        }
        if lastKeptEnd == nil { try output.write("\n    ") }
    }
}

/// The original bytes of a file being rewritten, copied through to the output
/// between the parts that change.
final class SplicedCopy {
    private let descriptor: Int32
    private let output: OutputFile
    private let name: String
    /// The next original byte not yet copied or skipped.
    private(set) var position: Int64 = 0
    private(set) var lastByteCopied: UInt8? = nil
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(reading path: String, into output: OutputFile, name: String) throws(SnapshotProblem) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else {
            throw SnapshotProblem(file: name, reason: "cannot read: \(String(cString: strerror(errno)))")
        }
        self.output = output
        self.name = name
    }

    deinit { close(descriptor) }

    /// Copies the original bytes from `position` up to `end`.
    func copy(upTo end: Int64) throws(SnapshotProblem) {
        while position < end {
            let wanted = Int(min(Int64(buffer.count), end - position))
            let count = try readChunk(wanted)
            if count == 0 {
                throw SnapshotProblem(file: name, reason: "changed while it was being rewritten")
            }
            try output.write(bytes: buffer[0..<count])
            lastByteCopied = buffer[count - 1]
            position += Int64(count)
        }
    }

    func copyToEnd() throws(SnapshotProblem) {
        while true {
            let count = try readChunk(buffer.count)
            if count == 0 { return }
            try output.write(bytes: buffer[0..<count])
            lastByteCopied = buffer[count - 1]
            position += Int64(count)
        }
    }

    /// Leaves the original bytes up to `end` out of the output.
    func skip(to end: Int64) { position = max(position, end) }

    /// 2 for `\r\n`, 1 for `\n` at `offset`, 0 otherwise (the last line of a file).
    func lineEndingLength(at offset: Int64) -> Int64 {
        var pair: [UInt8] = [0, 0]
        let count = pair.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 2, off_t(offset)) }
        if count >= 1 && pair[0] == 0x0A { return 1 }
        if count == 2 && pair[0] == 0x0D && pair[1] == 0x0A { return 2 }
        return 0
    }

    private func readChunk(_ wanted: Int) throws(SnapshotProblem) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(position)) }
            if count >= 0 { return count }
            if errno != EINTR {
                throw SnapshotProblem(file: name, reason: "read error: \(String(cString: strerror(errno)))")
            }
        }
    }
}
