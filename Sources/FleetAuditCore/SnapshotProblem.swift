import FleetAuditJSON

/// Something wrong with the user's input, located as precisely as it can be:
/// file, element index and byte offset. Equality covers every field, so tests
/// assert the exact problem.
public struct SnapshotProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name inside the snapshot (`policies.json`), or a path for files outside it.
    public var file: String
    public var elementIndex: Int?
    public var byteOffset: Int64?
    public var reason: String

    public init(file: String, elementIndex: Int? = nil, byteOffset: Int64? = nil, reason: String) {
        self.file = file
        self.elementIndex = elementIndex
        self.byteOffset = byteOffset
        self.reason = reason
    }

    /// Whatever was caught while reading `file`: a `SnapshotProblem` as it is,
    /// a stream error located in `file`, anything else as its description.
    public init(file: String, caught error: any Error) {
        switch error {
        case let problem as SnapshotProblem: self = problem
        case let streamError as JSONStreamError: self.init(file: file, streamError)
        default: self.init(file: file, reason: "\(error)")
        }
    }

    public init(file: String, _ error: JSONStreamError) {
        self.init(file: file, elementIndex: error.elementIndex, byteOffset: error.byteOffset, reason: error.reason)
    }

    /// `<file>: element <i> (byte <offset>)`: where, without the reason.
    public var location: String {
        switch (elementIndex, byteOffset) {
        case (let index?, let offset?): return "\(file): element \(index) (byte \(offset))"
        case (let index?, nil): return "\(file): element \(index)"
        case (nil, let offset?): return "\(file): byte \(offset)"
        case (nil, nil): return file
        }
    }

    /// `<file>: element <i> (byte <offset>): <reason>`, the error-line form of the format document,
    /// shortened where the element or offset is not known.
    public var description: String {
        switch (elementIndex, byteOffset) {
        case (let index?, let offset?): return "\(file): element \(index) (byte \(offset)): \(reason)"
        case (let index?, nil): return "\(file): element \(index): \(reason)"
        case (nil, let offset?): return "\(file): byte \(offset): \(reason)"
        case (nil, nil): return "\(file): \(reason)"
        }
    }
}
