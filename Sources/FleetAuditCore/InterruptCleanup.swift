import Dispatch
import FleetAuditBase

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Temporary files and directories (spill files, outputs not yet renamed into
/// place) that must not outlive the process: removed when a run fails (by
/// their owners) and, through this registry, on SIGINT and SIGTERM.
public final class InterruptCleanup: @unchecked Sendable {
    public static let shared = InterruptCleanup()

    private let lock = Lock()
    private var paths: [Int: String] = [:]
    private var nextToken = 0
    private var sources: [any DispatchSourceSignal] = []

    /// Registers `path` for removal on interruption; returns the token to unregister it.
    public func register(_ path: String) -> Int {
        lock.withLock {
            nextToken += 1
            paths[nextToken] = path
            return nextToken
        }
    }

    public func unregister(_ token: Int) {
        lock.withLock { _ = paths.removeValue(forKey: token) }
    }

    /// Handles SIGINT and SIGTERM on a dispatch queue (not in signal context,
    /// so removing files is safe): removes every registered path, then exits
    /// with 128 + the signal number, as a shell reports a killed process.
    public func installSignalHandlers() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [self] in
                    let registered = lock.withLock { Array(paths.values) }
                    for path in registered { FileSystem.removeTree(path) }
                    exit(128 + signalNumber)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
