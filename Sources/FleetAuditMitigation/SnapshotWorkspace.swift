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
/// Small settings files are rewritten whole (`write`). Edits of large arrays
/// (certificates, policy versions) are queued by resource key and applied in
/// one streamed pass per file when the workspace is finished, copying every
/// unchanged element byte for byte, so a task that touches a thousand
/// certificates of a million reads `certificates.json` once.
public final class SnapshotWorkspace {
    public let finalPath: String
    public let path: String
    private var committed = false

    /// Replaces one element by zero or more elements.
    public typealias ElementEdit = (JSONValue) -> [JSONValue]
    private var queuedEdits: [SnapshotFile: [String: [ElementEdit]]] = [:]
    private var appended: [SnapshotFile: [JSONValue]] = [:]

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

    /// Queues `edit` for the element of `file` whose key (`elementKey`) is `key`.
    /// Edits of one element apply in the order queued.
    public func queueEdit(_ file: SnapshotFile, key: String, _ edit: @escaping ElementEdit) {
        queuedEdits[file, default: [:]][key, default: []].append(edit)
    }

    /// Queues `element` to be added at the end of `file`'s primary array (creating the file if absent).
    public func queueAppend(_ file: SnapshotFile, _ element: JSONValue) {
        appended[file, default: []].append(element)
    }

    /// Applies the queued edits, one streamed pass per edited file.
    public func applyQueuedEdits() throws(SnapshotProblem) {
        let files = Set(queuedEdits.keys).union(appended.keys).sorted()
        for file in files {
            try rewrite(file, edits: queuedEdits[file] ?? [:], appending: appended[file] ?? [])
        }
        queuedEdits = [:]
        appended = [:]
    }

    private func rewrite(_ file: SnapshotFile, edits: [String: [ElementEdit]], appending: [JSONValue])
        throws(SnapshotProblem)
    {
        guard let arrayKey = file.primaryArrayKey else { return }
        let current = try snapshot()
        let located: LocatedFile
        switch current.locate(file) {
        case .success(let found): located = found
        case .failure:
            // Absent: only appends can create it; edits queued for appended elements apply to them.
            guard !appending.isEmpty else { return }
            let values = appending.flatMap { value -> [JSONValue] in
                guard let key = Self.elementKey(file, value), let chain = edits[key] else { return [value] }
                var results = [value]
                for edit in chain { results = results.flatMap(edit) }
                return results
            }
            try write(file, JSONObject([(arrayKey, .array(values))]))
            return
        }
        let output = try OutputFile(path: located.path)
        // Edits queued after an append apply to the appended element too.
        func editedAppend(_ value: JSONValue) -> [JSONValue] {
            guard let key = Self.elementKey(file, value), let chain = edits[key] else { return [value] }
            var results = [value]
            for edit in chain { results = results.flatMap(edit) }
            return results
        }
        func edited(_ element: RawElement) throws(SnapshotProblem) -> [JSONValue]? {
            guard !edits.isEmpty else { return nil }
            let value: JSONValue
            switch element.parse() {
            case .success(let parsed): value = parsed
            case .failure: return nil  // A malformed element is copied as it is.
            }
            guard let key = Self.elementKey(file, value), let chain = edits[key] else { return nil }
            var results = [value]
            for edit in chain { results = results.flatMap(edit) }
            return results
        }
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            if located.form == .lines {
                while let event = try stream.next() {
                    guard case .element(let element) = event else { continue }
                    if let replacement = try edited(element) {
                        for value in replacement { try output.write(JSONWriter.compact(value) + "\n") }
                    } else {
                        try output.write(String(decoding: element.bytes, as: UTF8.self) + "\n")
                    }
                }
                for value in appending.flatMap(editedAppend) { try output.write(JSONWriter.compact(value) + "\n") }
            } else {
                try output.write("{")
                var firstMember = true
                var firstElement = true
                func separator() throws(SnapshotProblem) {
                    try output.write(firstElement ? "\n        " : ",\n        ")
                    firstElement = false
                }
                while let event = try stream.next() {
                    switch event {
                    case .member(let key, let value, _):
                        try output.write(firstMember ? "\n    " : ",\n    ")
                        firstMember = false
                        var text = ""
                        JSONWriter.writeString(key, into: &text)
                        try output.write(text + ": " + JSONWriter.pretty(value, level: 1))
                    case .arrayStart(let key, _):
                        try output.write(firstMember ? "\n    " : ",\n    ")
                        firstMember = false
                        var text = ""
                        JSONWriter.writeString(key, into: &text)
                        try output.write(text + ": [")
                        firstElement = true
                    case .element(let element):
                        if element.key == arrayKey, let replacement = try edited(element) {
                            for value in replacement {
                                try separator()
                                try output.write(JSONWriter.pretty(value, level: 2))
                            }
                        } else {
                            try separator()
                            try output.write(String(decoding: element.bytes, as: UTF8.self))
                        }
                    case .arrayEnd(let key, _):
                        if key == arrayKey {
                            for value in appending.flatMap(editedAppend) {
                                try separator()
                                try output.write(JSONWriter.pretty(value, level: 2))
                            }
                        }
                        try output.write(firstElement ? "]" : "\n    ]")
                    }
                }
                try output.write(firstMember ? "}\n" : "\n}\n")
            }
        } catch {
            throw SnapshotProblem(file: located.name, caught: error)
        }
        try output.commit()
    }

    /// Moves the finished copy to `finalPath` (which is absent or an empty directory).
    public func commit() throws(SnapshotProblem) {
        try applyQueuedEdits()
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
        guard let names = FileSystem.entries(of: source) else {
            throw SnapshotProblem(file: source, reason: "cannot list: \(FileSystem.lastError)")
        }
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

    static func remove(_ path: String) { FileSystem.removeTree(path) }
}
