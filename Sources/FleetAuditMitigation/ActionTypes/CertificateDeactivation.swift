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

    static func shared(_ file: SnapshotFile, in session: MitigationSession) throws(SnapshotProblem)
        -> CertificateStatusIndex
    {
        let snapshot = try session.workspace.snapshot()
        return try session.index("status:" + file.rawValue) { () throws(SnapshotProblem) in
            try CertificateStatusIndex(file: file, snapshot: snapshot)
        }
    }

    func status(of key: CertificateKey) -> String? { statuses[key] }

    func setStatus(_ status: String, of key: CertificateKey) { statuses[key] = status }
}

/// DEACTIVATE for device and CA certificates (UpdateCertificate /
/// UpdateCACertificate with newStatus INACTIVE), shared by the two action types.
enum CertificateDeactivation {
    /// Deactivates every certificate in `ids`, or none: all are checked before
    /// any edit is queued. Errors use the API's exception names.
    static func deactivate(ids: [String], in file: SnapshotFile, session: MitigationSession) -> ExecutionResult {
        let index: CertificateStatusIndex
        do {
            index = try CertificateStatusIndex.shared(file, in: session)
        } catch {
            let code =
                error.reason == "file not found in the snapshot"
                ? "ResourceNotFoundException" : "InternalFailureException"
            return .failed(errorCode: code, message: "cannot read the certificates: \(error.description)")
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
        let now = session.now
        for (id, key) in keys {
            guard let before = index.status(of: key), before != "INACTIVE" else { continue }
            index.setStatus("INACTIVE", of: key)
            session.workspace.queueEdit(file, key: id) { element in [deactivated(element, at: now)] }
            session.record(
                file == .caCertificates
                    ? .caCertificateStatus(certificateId: id, from: before, to: "INACTIVE")
                    : .deviceCertificateStatus(certificateId: id, from: before, to: "INACTIVE"))
        }
        return .completed
    }

    /// The element with `status` INACTIVE, `lastModifiedDate` the task time (in
    /// the form the element already uses) and `customerVersion` one higher.
    static func deactivated(_ element: JSONValue, at now: AuditTime) -> JSONValue {
        guard var object = element.objectValue else { return element }
        object["status"] = "INACTIVE"
        switch object["lastModifiedDate"] {
        case .integer?, .real?:
            object["lastModifiedDate"] = .real(Double(now.millisecondsSinceEpoch) / 1000)
        default:
            object["lastModifiedDate"] = .string(now.iso8601)
        }
        if case .integer(let version)? = object["customerVersion"] {
            // Checked before the edit was queued; saturate rather than trap all the same.
            object["customerVersion"] = .integer(version < Int64.max ? version + 1 : version)
        }
        return .object(object)
    }
}

/// The certificates a finding names.
enum FindingCertificates {
    /// Device certificate ids: the non-compliant resource's `deviceCertificateId`,
    /// or, for INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK, the
    /// related resources' `deviceCertificateArn`s.
    static func deviceCertificateIds(_ finding: AuditedFinding) -> [String] {
        if let id = finding.nonCompliantResource?["resourceIdentifier"]?["deviceCertificateId"]?.stringValue {
            return [id]
        }
        var ids: [String] = []
        for related in finding.relatedResources {
            if let arn = related["resourceIdentifier"]?["deviceCertificateArn"]?.stringValue,
                let slash = arn.lastIndex(of: "/"), arn[..<slash].hasSuffix(":cert")
            {
                ids.append(String(arn[arn.index(after: slash)...]))
            }
        }
        return ids
    }

    /// The failed execution of an action given a finding without device certificates.
    static func namesNoDeviceCertificate(_ finding: AuditedFinding) -> ExecutionResult {
        .failed(
            errorCode: "InvalidRequestException", message: "finding \(finding.findingId) names no device certificate")
    }

    static func caCertificateId(_ finding: AuditedFinding) -> String? {
        finding.nonCompliantResource?["resourceIdentifier"]?["caCertificateId"]?.stringValue
    }
}
