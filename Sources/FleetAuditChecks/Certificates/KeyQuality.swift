import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

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
