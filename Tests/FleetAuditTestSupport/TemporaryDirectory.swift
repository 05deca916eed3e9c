import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A directory under /tmp removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "fleet-audit-test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        path = created ?? "/tmp/\(prefix)-\(getpid())"
    }

    deinit { Self.remove(path) }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `content` to `name` (creating parent directories).
    @discardableResult
    public func write(_ name: String, _ content: String) -> String {
        write(name, bytes: Array(content.utf8))
    }

    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) -> String {
        let target = file(name)
        if let slash = name.lastIndex(of: "/") {
            try? OutputDirectory.createDirectories(path + "/" + name[..<slash])
        }
        if let handle = fopen(target, "w") {
            bytes.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, handle) }
            fclose(handle)
        }
        return target
    }

    public func read(_ name: String) -> [UInt8] { Self.readFile(file(name)) }

    public static func readFile(_ path: String) -> [UInt8] { FileSystem.readFile(path) ?? [] }

    public static func remove(_ path: String) { FileSystem.removeTree(path) }
}

/// A snapshot directory built from file contents, with a default manifest.
public final class TemporarySnapshot: @unchecked Sendable {
    public static let defaultManifest = #"""
        {"accountId": "123456789012", "region": "us-east-1", "exportedAt": "2026-11-26T08:00:00Z", "unavailable": []}
        """#

    public let directory = TemporaryDirectory(prefix: "fleet-audit-snapshot")
    public var path: String { directory.path }

    public init(_ files: [String: String], manifest: Bool = true) {
        if manifest && files["manifest.json"] == nil {
            directory.write("manifest.json", Self.defaultManifest)
        }
        for (name, content) in files { directory.write(name, content) }
    }

    public func open() throws(SnapshotProblem) -> Snapshot { try Snapshot.open(path) }
}

/// Runs `checks` on `snapshot` into a fresh output directory, with the
/// snapshot's audit configuration and suppressions as `fleet-audit audit --checks` applies them
/// (throws `InputRejected` when they are invalid).
public func runAudit(
    _ snapshot: TemporarySnapshot, checks: [any AuditCheck.Type], workers: Int = 1, taskId: String = "test-task",
    now: AuditTime? = nil, settings: AuditSettings = AuditSettings()
) throws -> (outcome: AuditOutcome, output: TemporaryDirectory) {
    let opened = try snapshot.open()
    let output = TemporaryDirectory(prefix: "fleet-audit-out")
    var plan = AuditPlan(
        checks: checks, taskId: taskId, auditTime: now ?? opened.manifest.exportedAt, workers: workers,
        previewLimit: Int.max, settings: settings.resolvingPaths(against: snapshot.path))
    let descriptions = CheckRegistry.descriptions
    plan.configuration = try AuditConfiguration.load(opened, checks: descriptions)
    plan.suppressions = try AuditSuppressions.load(opened, checks: descriptions)
    let outcome = try AuditExecutor.run(snapshot: opened, plan: plan, outputDirectory: output.path)
    return (outcome, output)
}

/// Runs one check on `snapshot` (as `runAudit` does) and returns its outcome.
public func runCheck(_ snapshot: TemporarySnapshot, _ check: any AuditCheck.Type) throws -> CheckOutcome {
    let (outcome, _) = try runAudit(snapshot, checks: [check])
    guard let checked = outcome.checks.first else { throw CheckNotRun(name: check.description.name) }
    return checked
}

/// `runCheck` found no outcome for the check it ran.
public struct CheckNotRun: Error {
    public var name: String
}

/// The description of the error `body` throws (a usage error's message), or nil when it returns.
public func thrownDescription<Failure: Error & CustomStringConvertible>(
    _ body: () throws(Failure) -> Void
) -> String? {
    do {
        try body()
        return nil
    } catch {
        return error.description
    }
}

extension AuditSettings {
    /// The settings with relative paths taken inside `directory` (an example's snapshot).
    public func resolvingPaths(against directory: String) -> AuditSettings {
        var resolved = self
        if let path = weakKeyBlacklistDirectory, !path.hasPrefix("/") {
            resolved.weakKeyBlacklistDirectory = directory + "/" + path
        }
        return resolved
    }
}

/// Runs a program and returns its exit status, stdout and stderr; `environment`
/// replaces the inherited one when given, `directory` is the working directory.
public func runProgram(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
}

/// One file in a temporary directory of its own; both are removed when the value is released.
public final class TemporaryFile: Sendable {
    public let path: String
    private let directory: TemporaryDirectory

    public init(_ bytes: [UInt8], name: String = "input.json") {
        directory = TemporaryDirectory(prefix: "fleet-audit-file")
        path = directory.write(name, bytes: bytes)
    }

    public convenience init(_ text: String, name: String = "input.json") { self.init(Array(text.utf8), name: name) }
}
