import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// DEVICE_CERTIFICATE_KEY_QUALITY_CHECK: an ACTIVE or PENDING_TRANSFER device
/// certificate has a key known to be weak.
///
/// Rule (docs/checks.md), on the key read from `certificatePem`:
/// `CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361` when an RSA modulus has the
/// ROCA fingerprint; `CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166` when an RSA
/// modulus is in the Debian weak-key blacklist of its size
/// (`--weak-key-blacklist DIR`, openssl-blacklist format). EC, DSA and EdDSA
/// keys are subject to neither test; a key of an algorithm the audit does not
/// model is not evaluable.
public struct DeviceCertificateKeyQualityCheck: ResourceCheck {
    public init() {}

    public static let description = CheckDescription(
        check: .deviceCertificateKeyQuality,
        severity: .critical,
        resourceType: .deviceCertificate,
        reasonCodes: [KeyQuality.roca, KeyQuality.debian],
        inputs: [.certificates],
        summary: "An active device certificate has a ROCA (CVE-2017-15361) or Debian weak (CVE-2008-0166) RSA key.",
        examples: DeviceCertificateKeyQualityCheck.examples)

    public static let resourceFile = SnapshotFile.certificates
    public static let resourceMembers: [String]? = CertificateElement.members

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> KeyQuality.Facts {
        try KeyQuality.facts(context)
    }

    public func remarks(_ facts: KeyQuality.Facts) -> CheckRemarks { KeyQuality.remarks(facts) }

    public func evaluate(_ resource: JSONValue, facts: KeyQuality.Facts, context: AuditContext) -> ResourceVerdict {
        KeyQuality.evaluate(resource, facts: facts) { AuditResource(.deviceCertificate, .deviceCertificateId($0)) }
    }
}

/// CA_CERTIFICATE_KEY_QUALITY_CHECK: the same tests on the registered CA certificates.
public struct CACertificateKeyQualityCheck: ResourceCheck {
    public init() {}

    public static let description = CheckDescription(
        check: .caCertificateKeyQuality,
        severity: .critical,
        resourceType: .caCertificate,
        reasonCodes: [KeyQuality.roca, KeyQuality.debian],
        inputs: [.caCertificates],
        summary: "An active CA certificate has a ROCA (CVE-2017-15361) or Debian weak (CVE-2008-0166) RSA key.",
        examples: CACertificateKeyQualityCheck.examples)

    public static let resourceFile = SnapshotFile.caCertificates

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> KeyQuality.Facts {
        try KeyQuality.facts(context)
    }

    public func remarks(_ facts: KeyQuality.Facts) -> CheckRemarks { KeyQuality.remarks(facts) }

    public func evaluate(_ resource: JSONValue, facts: KeyQuality.Facts, context: AuditContext) -> ResourceVerdict {
        KeyQuality.evaluate(resource, facts: facts) { AuditResource(.caCertificate, .caCertificateId($0)) }
    }
}

/// What the device and CA key-quality checks share around the rule, which is
/// `KeyQuality.assess` (Sources/FleetAuditX509/KeyQuality.swift): the
/// blacklists `--weak-key-blacklist` names, and a finding per weakness.
extension KeyQuality {
    static let roca = "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361"
    static let debian = "CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166"

    /// The Debian blacklists, when `--weak-key-blacklist` names them.
    public struct Facts: Sendable {
        var blacklist: WeakKeyBlacklist?
    }

    static func facts(_ context: AuditContext) throws(SnapshotProblem) -> Facts {
        guard let directory = context.settings.weakKeyBlacklistDirectory else { return Facts(blacklist: nil) }
        do {
            return Facts(blacklist: try WeakKeyBlacklist.load(directory: directory))
        } catch {
            throw SnapshotProblem(file: "--weak-key-blacklist", reason: error.reason)
        }
    }

    static func remarks(_ facts: Facts) -> CheckRemarks {
        guard facts.blacklist == nil else { return CheckRemarks() }
        return CheckRemarks(notes: [
            "CVE-2008-0166 not tested: no --weak-key-blacklist (Debian's openssl-blacklist lists; see docs/checks.md)"
        ])
    }

    static func evaluate(
        _ resource: JSONValue, facts: Facts, identify: (String) -> AuditResource
    ) -> ResourceVerdict {
        CertificateElement.evaluateInScope(resource) { element, certificate in
            let key = certificate.publicKey
            switch assess(key, blacklist: facts.blacklist) {
            case .untestable:
                return .notEvaluable("certificate \(element.certificateId): its key (\(key)) cannot be tested")
            case .weaknesses(let weaknesses):
                let subject = identify(element.certificateId)
                let drafts = weaknesses.map { weakness in
                    FindingDraft(
                        resource: subject, reasonCode: weakness.reasonCode, reason: weakness.explanation(of: key))
                }
                return drafts.isEmpty ? .compliant : .nonCompliant(drafts)
            }
        }
    }
}

extension KeyQuality.Weakness {
    /// The checks' reason code for the weakness.
    var reasonCode: String {
        switch self {
        case .roca: return KeyQuality.roca
        case .debianWeakKey: return KeyQuality.debian
        }
    }
}
