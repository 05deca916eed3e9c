import Crypto
import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK: an intermediate
/// CA has been revoked by its own issuer while ACTIVE device certificates still
/// chain to it.
///
/// Rule (docs/checks.md): the resources are the intermediate CAs the snapshot
/// knows (registered CAs and `ca-chain/` certificates that are not
/// self-issued). One is revoked when its serial is in a usable CRL of its
/// issuer (as for REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK). It is
/// non-compliant when at least one ACTIVE or PENDING_TRANSFER device certificate
/// of `certificates.json` has it in its issuing chain (issuer, issuer's issuer,
/// ...). The finding's resource is `ISSUER_CERTIFICATE`; the affected device
/// certificates are its related resources (`deviceCertificateArn`).
///
/// An aggregating check: the intermediates come first, then `certificates.json`
/// is streamed once (only when some intermediate is revoked), keeping per
/// revoked intermediate the 32-byte ids of its affected certificates.
public struct IntermediateCARevokedCheck: AggregatingCheck {
    public init() {}

    static let reasonCode = "INTERMEDIATE_CA_REVOKED_BY_ISSUER"

    public static let description = CheckDescription(
        name: "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK",
        severity: .critical,
        resourceType: .issuerCertificate,
        reasonCodes: [reasonCode],
        inputs: [.certificates, .caCertificates],
        inputDirectories: [.crls, .caChain],
        summary: "An intermediate CA revoked by its issuer still has active device certificates chaining to it.",
        examples: IntermediateCARevokedCheck.examples)

    public func run(_ context: AuditContext, reporter: CheckReporter) throws(SnapshotProblem) {
        let index = try CertificateAuthorityIndex.build(context)
        for problem in index.remarks.skippedInputs { reporter.skipped(problem) }
        for note in index.remarks.notes { reporter.note(note) }

        struct Intermediate {
            var authority: CertificateAuthorityIndex.Authority
            var revocation: CertificateAuthorityIndex.Revocation
            /// Affected device certificates: id and ARN, in certificates.json order.
            var affected: [(CertificateKey, String?)] = []
        }
        var intermediates = index.authorities.filter { !$0.certificate.isSelfIssued }.map {
            Intermediate(authority: $0, revocation: index.revocation(of: $0.certificate))
        }
        let revokedPositions = intermediates.indices.filter {
            if case .revoked = intermediates[$0].revocation { return true }
            return false
        }
        if !revokedPositions.isEmpty {
            // For each known CA, the revoked intermediates in its chain (itself included).
            let digestPosition = Dictionary(
                intermediates.enumerated().map { ($1.authority.certificate.digest, $0) },
                uniquingKeysWith: { first, _ in first })
            let revoked = Set(revokedPositions)
            func revokedInChain(_ start: [CertificateAuthorityIndex.Authority]) -> Set<Int> {
                var found: Set<Int> = []
                var visited: Set<SHA256Digest> = []
                var queue = start
                while let next = queue.popLast() {
                    guard visited.insert(next.certificate.digest).inserted else { continue }
                    if let position = digestPosition[next.certificate.digest], revoked.contains(position) {
                        found.insert(position)
                    }
                    queue += index.issuers(of: next.certificate)
                }
                return found
            }
            var chainCache: [[SHA256Digest]: Set<Int>] = [:]
            try SnapshotElements.forEach(.certificates, in: context.snapshot) { element throws(SnapshotProblem) in
                let value: JSONValue
                switch element.value {
                case .success(let parsed): value = parsed
                case .failure(let problem):
                    reporter.skipped(problem)
                    return
                }
                let device: CertificateElement
                switch CertificateElement.read(value) {
                case .success(let read): device = read
                case .failure(let problem):
                    reporter.skipped(element.problem(problem.reason))
                    return
                }
                guard device.isInScope else { return }
                let certificate: CertificateFields
                switch device.decode() {
                case .success(let decoded): certificate = decoded
                case .failure(let problem):
                    reporter.skipped(element.problem(problem.reason + " (its issuing chain is unknown)"))
                    return
                }
                let issuers = index.issuers(of: certificate)
                let key = issuers.map(\.certificate.digest)
                let positions = chainCache[key] ?? revokedInChain(issuers)
                chainCache[key] = positions
                guard !positions.isEmpty, let id = CertificateKey(hex: device.certificateId) else { return }
                for position in positions.sorted() {
                    intermediates[position].affected.append((id, device.certificateArn))
                }
            }
        }
        let region = context.snapshot.manifest.region
        for intermediate in intermediates {
            let certificate = intermediate.authority.certificate
            let location = SnapshotProblem(file: intermediate.authority.source, reason: "")
            switch intermediate.revocation {
            case .notRevoked:
                reporter.resource(.compliant)
            case .unknown(let reason):
                var problem = location
                problem.reason = "intermediate CA \(certificate.subject): revocation unknown: \(reason)"
                reporter.resource(.notEvaluable(problem.reason), at: problem)
            case .revoked(let list):
                guard !intermediate.affected.isEmpty else {
                    reporter.resource(.compliant)
                    continue
                }
                let related = intermediate.affected.map { id, arn in
                    AuditResource(
                        .deviceCertificate,
                        .deviceCertificateArn(arn ?? "arn:aws:iot:\(region):\(context.accountId):cert/\(id.hex)"))
                }
                reporter.resource(
                    .nonCompliant([
                        FindingDraft(
                            resource: AuditResource(
                                .issuerCertificate,
                                .issuerCertificate(
                                    subject: certificate.subject.description, issuerId: certificate.fingerprint,
                                    serialNumber: certificate.serialNumberHex)),
                            relatedResources: related, reasonCode: Self.reasonCode,
                            reason: "Intermediate CA \(certificate.subject) (serial \(certificate.serialNumberHex), "
                                + "\(intermediate.authority.source)) was revoked by its issuer \(certificate.issuer) "
                                + "(\(list)); \(related.count) active device certificate(s) chain to it.")
                    ]))
            }
        }
    }
}
