import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// Certificate id → status of `certificates.json` or `ca-certificates.json` in
/// the new snapshot, built once per task and updated as deactivations are
/// queued. Keys are 32-byte ids, so the index stays small for large fleets.
final class CertificateStatusIndex {
    let file: SnapshotFile
    private var statuses: [CertificateKey: String] = [:]
    /// Certificates whose `customerVersion` cannot be incremented (2^63-1,
    /// negative, not an integer): deactivating one fails instead of trapping.
    private var versionProblems: [CertificateKey: String] = [:]

    init(file: SnapshotFile, snapshot: Snapshot) throws(SnapshotProblem) {
        self.file = file
        var statuses: [CertificateKey: String] = [:]
        var versionProblems: [CertificateKey: String] = [:]
        try SnapshotElements.forEach(file, in: snapshot) { element throws(SnapshotProblem) in
            // A malformed element names no certificate an action could target.
            guard case .success(let value) = element.value, let id = value["certificateId"]?.stringValue,
                let key = CertificateKey(hex: id), let status = value["status"]?.stringValue
            else { return }
            statuses[key] = status
            if let problem = Self.versionProblem(value["customerVersion"]) { versionProblems[key] = problem }
        }
        self.statuses = statuses
        self.versionProblems = versionProblems
    }

    /// Why `customerVersion` cannot be incremented, or nil (absent or null: nothing to increment).
    static func versionProblem(_ version: JSONValue?) -> String? {
        switch version {
        case nil, .null?: return nil
        case .integer(let number)?:
            if number < 0 { return "customerVersion \(number) is negative" }
            if number == Int64.max { return "customerVersion \(number) cannot be incremented" }
            return nil
        case let other?:
            return "customerVersion is \(other.typeName) \(JSONWriter.compact(other)); expected an integer"
        }
    }

    func versionProblem(of key: CertificateKey) -> String? { versionProblems[key] }

    /// The task's index of `file`, built on first use.
    static func shared(_ file: SnapshotFile, in session: MitigationSession) throws(IndexFailure)
        -> CertificateStatusIndex
    {
        let snapshot: Snapshot
        do {
            snapshot = try session.snapshot()
        } catch {
            throw .unreadable(error)
        }
        do {
            return try session.index("status:" + file.rawValue) { () throws(SnapshotProblem) in
                try CertificateStatusIndex(file: file, snapshot: snapshot)
            }
        } catch {
            throw snapshot.isAbsent(file) ? .absent(error) : .unreadable(error)
        }
    }

    /// Why the index could not be built: the file is not in the snapshot (the API
    /// would not find the certificate), or it is there and cannot be read.
    enum IndexFailure: Error {
        case absent(SnapshotProblem)
        case unreadable(SnapshotProblem)
    }

    func status(of key: CertificateKey) -> String? { statuses[key] }

    func setStatus(_ status: String, of key: CertificateKey) { statuses[key] = status }
}

/// DEACTIVATE for device and CA certificates (UpdateCertificate /
/// UpdateCACertificate with newStatus INACTIVE), shared by the two action types.
enum CertificateDeactivation {
    /// Deactivates every certificate in `ids`, or none: all are checked before
    /// any edit is returned. Errors use the API's exception names.
    static func deactivate(ids: [String], in file: SnapshotFile, session: MitigationSession) -> ExecutionResult {
        let index: CertificateStatusIndex
        do {
            index = try CertificateStatusIndex.shared(file, in: session)
        } catch {
            switch error {
            case .absent(let problem):
                return .failed(
                    errorCode: "ResourceNotFoundException",
                    message: "cannot read the certificates: \(problem.description)")
            case .unreadable(let problem):
                return .failed(
                    errorCode: "InternalFailureException",
                    message: "cannot read the certificates: \(problem.description)")
            }
        }
        let kind = file == .caCertificates ? "CA certificate" : "certificate"
        var keys: [(String, CertificateKey)] = []
        for id in ids {
            guard let key = CertificateKey(hex: id), let status = index.status(of: key) else {
                return .failed(
                    errorCode: "ResourceNotFoundException", message: "\(kind) \(id) is not in \(file.jsonName)")
            }
            // UpdateCertificate cannot change a revoked certificate, nor one in transfer.
            if status == "REVOKED" || status == "PENDING_TRANSFER" {
                return .failed(
                    errorCode: "CertificateStateException",
                    message: "\(kind) \(id) is \(status); its status cannot be changed to INACTIVE")
            }
            if let problem = index.versionProblem(of: key) {
                return .failed(errorCode: "InvalidRequestException", message: "\(kind) \(id): \(problem)")
            }
            keys.append((id, key))
        }
        var edits: [SnapshotEdit] = []
        var changes: [ResourceChange] = []
        for (id, key) in keys {
            guard let before = index.status(of: key), before != "INACTIVE" else { continue }
            index.setStatus("INACTIVE", of: key)
            edits.append(.editElements(deactivation(of: id, in: file, at: session.now)))
            changes.append(
                file == .caCertificates
                    ? .caCertificateStatus(certificateId: id, from: before, to: "INACTIVE")
                    : .deviceCertificateStatus(certificateId: id, from: before, to: "INACTIVE"))
        }
        return .completed(ActionEdits(snapshotEdits: edits, changes: changes))
    }

    /// The certificate's element with `status` INACTIVE, `lastModifiedDate` the task
    /// time (in the form the element already uses) and `customerVersion` one higher, as
    /// `update-certificate` leaves it.
    static func deactivation(of id: String, in file: SnapshotFile, at now: AuditTime) -> ElementEdit {
        ElementEdit(
            file, key: id,
            [.set("status", "INACTIVE"), .setTime("lastModifiedDate", now), .increment("customerVersion")])
    }
}

/// `{action: DEACTIVATE}`, the only value of the API's enums for both certificate action types.
enum DeactivateParams {
    static func validate(_ params: JSONObject, member: String) throws(MitigationRequestError) {
        try ActionParams.requireOnly(["action"], in: params, of: member)
        let action = try ActionParams.string("action", in: params, of: member, length: 1...32)
        guard action == "DEACTIVATE" else { throw .input("\(member).action must be DEACTIVATE, found '\(action)'") }
    }
}
