import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// One element of `certificates.json` or `ca-certificates.json`
/// (`describe-certificate` / `describe-ca-certificate`), with the fields the
/// certificate checks use.
struct CertificateElement: Sendable {
    var certificateId: String
    var status: String
    var certificatePem: String?
    var certificateArn: String?
    var caCertificateId: String?
    var creationDate: AuditTime?
    var validityNotBefore: AuditTime?
    var validityNotAfter: AuditTime?

    /// Statuses the certificate checks evaluate, as Defender does: a certificate
    /// that cannot authenticate is out of scope.
    static let scopeStatuses: Set<String> = ["ACTIVE", "PENDING_TRANSFER"]

    var isInScope: Bool { Self.scopeStatuses.contains(status) }

    /// The members `read` uses: all the certificate checks need of an element.
    static let members = [
        "certificateId", "status", "certificatePem", "certificateArn", "caCertificateId", "creationDate", "validity",
    ]

    /// Reads the element; the failure is the reason it is not evaluable. Every
    /// certificate check of the pass reads the same element on the same worker,
    /// one after the other: the thread's last reading is reused (the comparison
    /// is cheap, the strings share their storage).
    static func read(_ json: JSONValue) -> Result<CertificateElement, NotEvaluable> {
        let cache = LastDecodedCertificate.current
        if let last = cache.element {
            let cached = cache.elementJSON
            // Every certificate check reads the same parsed element: its storage identifies it.
            if let cachedObject = cached.objectValue, let object = json.objectValue,
                cachedObject.sharesStorage(with: object)
            {
                return last
            }
            if cached == json { return last }
        }
        let result = readUncached(json)
        cache.elementJSON = json
        cache.element = result
        return result
    }

    private static func readUncached(_ json: JSONValue) -> Result<CertificateElement, NotEvaluable> {
        guard json.objectValue != nil else { return .fail("the element is \(json.typeName), not an object") }
        guard let id = json["certificateId"]?.stringValue, !id.isEmpty else {
            return .fail("no certificateId string")
        }
        guard let status = json["status"]?.stringValue else { return .fail("certificate \(id): no status string") }
        var element = CertificateElement(
            certificateId: id, status: status, certificatePem: json["certificatePem"]?.stringValue,
            certificateArn: json["certificateArn"]?.stringValue, caCertificateId: json["caCertificateId"]?.stringValue)
        for (key, keyPath) in [("creationDate", \CertificateElement.creationDate)] {
            if let value = json[key], value != .null {
                guard let time = AuditTime(json: value) else {
                    return .fail("certificate \(id): \(key) is not a timestamp: \(JSONWriter.compact(value))")
                }
                element[keyPath: keyPath] = time
            }
        }
        if let validity = json["validity"], validity != .null {
            guard validity.objectValue != nil else {
                return .fail("certificate \(id): validity is \(validity.typeName), not an object")
            }
            for (key, keyPath) in [
                ("notBefore", \CertificateElement.validityNotBefore),
                ("notAfter", \CertificateElement.validityNotAfter),
            ] {
                if let value = validity[key], value != .null {
                    guard let time = AuditTime(json: value) else {
                        return .fail(
                            "certificate \(id): validity.\(key) is not a timestamp: \(JSONWriter.compact(value))")
                    }
                    element[keyPath: keyPath] = time
                }
            }
        }
        return .success(element)
    }

    init(
        certificateId: String, status: String, certificatePem: String?, certificateArn: String?,
        caCertificateId: String?
    ) {
        self.certificateId = certificateId
        self.status = status
        self.certificatePem = certificatePem
        self.certificateArn = certificateArn
        self.caCertificateId = caCertificateId
    }

    /// The preamble every certificate check shares: read the element, leave
    /// certificates outside the status scope out, decode the PEM, then `judge`.
    static func evaluateInScope(
        _ resource: JSONValue, _ judge: (CertificateElement, CertificateFields) -> ResourceVerdict
    ) -> ResourceVerdict {
        let element: CertificateElement
        switch read(resource) {
        case .success(let read): element = read
        case .failure(let problem): return .notEvaluable(problem.reason)
        }
        guard element.isInScope else { return .outOfScope }
        switch element.decode() {
        case .success(let certificate): return judge(element, certificate)
        case .failure(let problem): return .notEvaluable(problem.reason)
        }
    }

    /// Decodes `certificatePem` and cross-checks the snapshot's `certificateId`
    /// (SHA-256 of the DER) and `validity` against it. The failure says what
    /// is wrong or what disagrees.
    func decode() -> Result<CertificateFields, NotEvaluable> {
        guard let pem = certificatePem else { return .fail("certificate \(certificateId): no certificatePem") }
        let certificate: CertificateFields
        switch LastDecodedCertificate.decode(pem: pem) {
        case .success(let decoded): certificate = decoded
        case .failure(let problem): return .fail("certificate \(certificateId): certificatePem: \(problem.reason)")
        }
        guard certificate.hasFingerprint(hex: certificateId) else {
            return .fail(
                "certificateId \(certificateId) disagrees with the certificate: the SHA-256 of its DER is "
                    + certificate.fingerprint)
        }
        for (name, recorded, actual) in [
            ("notBefore", validityNotBefore, certificate.notBefore),
            ("notAfter", validityNotAfter, certificate.notAfter),
        ] {
            // X.509 times have whole seconds; the snapshot may add milliseconds.
            if let recorded, recorded.microsecondsSinceEpoch / 1_000_000 != actual.microsecondsSinceEpoch / 1_000_000 {
                return .fail(
                    "certificate \(certificateId): validity.\(name) \(recorded.iso8601) disagrees with the "
                        + "certificate's \(name) \(actual.iso8601)")
            }
        }
        return .success(certificate)
    }

    /// The ARN, as recorded or as AWS IoT builds it.
    func arn(_ context: AuditContext, kind: String = "cert") -> String {
        certificateArn
            ?? "arn:aws:iot:\(context.snapshot.manifest.region):\(context.accountId):\(kind)/\(certificateId)"
    }
}

extension AuditTime {
    /// Whole days from `self` to `later` (negative when `later` is earlier), rounded toward zero.
    /// Saturates when the two are farther apart than Int64 microseconds hold
    /// (both come from the snapshot, so the difference must not trap).
    func days(until later: AuditTime) -> Int64 {
        let (difference, overflow) = later.microsecondsSinceEpoch.subtractingReportingOverflow(microsecondsSinceEpoch)
        guard !overflow else { return later > self ? .max / 86_400_000_000 : .min / 86_400_000_000 }
        return difference / 86_400_000_000
    }
}

/// Why one resource cannot be judged: becomes `ResourceVerdict.notEvaluable`.
struct NotEvaluable: Error, Sendable, Hashable {
    var reason: String

    init(_ reason: String) { self.reason = reason }
}

extension Result where Failure == NotEvaluable {
    static func fail(_ reason: String) -> Result { .failure(NotEvaluable(reason)) }
}

/// The last certificate decoded on this thread. The executor runs every check
/// of a streamed file on one element after another on the same worker thread,
/// so the checks over `certificates.json` share one narrow decode per element
/// (`CertificateFields`), not one each. One entry per thread: memory does not
/// grow with the fleet.
final class LastDecodedCertificate {
    var pem = ""
    var result: Result<CertificateFields, X509Problem>?
    /// The last element read on this thread, and its reading.
    var elementJSON: JSONValue = .null
    var element: Result<CertificateElement, NotEvaluable>?

    private static let perThread = PerThread { LastDecodedCertificate() }

    /// This thread's memo.
    static var current: LastDecodedCertificate { perThread.value }

    /// `CertificateFields.decode(pem:)`, reusing this thread's last result for the same PEM.
    static func decode(pem: String) -> Result<CertificateFields, X509Problem> {
        let cache = current
        if let result = cache.result, cache.pem == pem { return result }
        let result = CertificateFields.decode(pem: pem)
        cache.pem = pem
        cache.result = result
        return result
    }
}
