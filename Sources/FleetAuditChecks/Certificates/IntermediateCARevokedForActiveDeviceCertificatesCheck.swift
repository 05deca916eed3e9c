import Crypto
import FleetAuditBase
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
/// certificates are its related resources (`deviceCertificateArn`), listed, as
/// AWS lists them, only through `fleet-audit related-resources`
/// (`related-resources.jsonl`), never inline.
///
/// A reducing check: the intermediates and their revocation come first (facts),
/// then each element of `certificates.json` contributes, on the workers, the
/// revoked intermediates in its chain, during the one pass the other
/// certificate checks share; only the 32-byte ids of affected certificates
/// are kept, per revoked intermediate.
public struct IntermediateCARevokedForActiveDeviceCertificatesCheck: ReducingCheck {
    public init() {}

    static let reasonCode = "INTERMEDIATE_CA_REVOKED_BY_ISSUER"

    public static let description = CheckDescription(
        check: .intermediateCARevokedForActiveDeviceCertificates,
        severity: .critical,
        resourceType: .issuerCertificate,
        reasonCodes: [reasonCode],
        inputs: [.certificates, .caCertificates],
        inputDirectories: [.crls, .caChain],
        summary: "An intermediate CA revoked by its issuer still has active device certificates chaining to it.",
        examples: IntermediateCARevokedForActiveDeviceCertificatesCheck.examples)

    public static let resourceFile = SnapshotFile.certificates
    public static let resourceMembers: [String]? = CertificateElement.members

    /// The known intermediates, how each stands against its issuer's CRLs, and the CA index.
    public struct Facts: Sendable {
        let index: CertificateAuthorityIndex
        let intermediates:
            [(authority: CertificateAuthorityIndex.Authority, revocation: CertificateAuthorityIndex.Revocation)]
        let revoked: Set<Int>
        let positionByDigest: [SHA256Digest: Int]
        /// For each authority of the index, the revoked intermediates in the chain that starts
        /// at it: computed once, so a device certificate only finds its issuers.
        var chainFromAuthority: [[Int]] = []

        /// The revoked intermediates in the chain of a certificate with this issuer.
        func revokedAbove(_ certificate: CertificateFields) -> [Int] {
            // By position, not `for authority in`: binding each `Authority` copied it (a retain
            // for every slice of its certificate) for every device certificate of the fleet.
            var found: Set<Int> = []
            for position in index.authorities.indices
            where index.authorities[position].certificate.digest != certificate.digest
                && CertificateAuthorityIndex.matches(
                    certificate.issuerBytes, certificate.authorityKeyIdentifier,
                    index.authorities[position].certificate)
            {
                found.formUnion(chainFromAuthority[position])
            }
            return found.sorted()
        }

        /// The revoked intermediates in the chain that starts at `issuers` (itself included).
        func revokedInChain(_ issuers: [CertificateAuthorityIndex.Authority]) -> [Int] {
            var found: Set<Int> = []
            var visited: Set<SHA256Digest> = []
            var queue = issuers
            while let next = queue.popLast() {
                guard visited.insert(next.certificate.digest).inserted else { continue }
                if let position = positionByDigest[next.certificate.digest], revoked.contains(position) {
                    found.insert(position)
                }
                queue += index.issuers(of: next.certificate)
            }
            return found.sorted()
        }
    }

    public enum Contribution: Sendable {
        case none
        case skipped(SnapshotProblem)
        case affected(positions: [Int], id: CertificateKey, arn: String?)
    }

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> Facts {
        let index = try CertificateAuthorityIndex.build(context)
        let intermediates = index.authorities.filter { !$0.certificate.isSelfIssued }.map {
            (authority: $0, revocation: index.revocation(of: $0.certificate))
        }
        let revoked = Set(
            intermediates.indices.filter {
                if case .revoked = intermediates[$0].revocation { return true }
                return false
            })
        let positions = Dictionary(
            intermediates.enumerated().map { ($1.authority.certificate.digest, $0) },
            uniquingKeysWith: { first, _ in first })
        var facts = Facts(index: index, intermediates: intermediates, revoked: revoked, positionByDigest: positions)
        facts.chainFromAuthority = index.authorities.map { facts.revokedInChain([$0]) }
        return facts
    }

    /// `certificates.json` is read only when some intermediate is revoked.
    public func needsElements(_ facts: Facts) -> Bool { !facts.revoked.isEmpty }

    public func contribution(of element: StreamedElement, facts: Facts, context: AuditContext) -> Contribution {
        let value: JSONValue
        switch element.value {
        case .success(let parsed): value = parsed
        case .failure(let problem): return .skipped(problem)
        }
        let device: CertificateElement
        switch CertificateElement.read(value) {
        case .success(let read): device = read
        case .failure(let problem): return .skipped(element.problem(problem.reason))
        }
        guard device.isInScope else { return .none }
        let certificate: CertificateFields
        switch device.decode() {
        case .success(let decoded): certificate = decoded
        case .failure(let problem):
            return .skipped(element.problem(problem.reason + " (its issuing chain is unknown)"))
        }
        let positions = facts.revokedAbove(certificate)
        guard !positions.isEmpty, let id = CertificateKey(hex: device.certificateId) else { return .none }
        return .affected(positions: positions, id: id, arn: device.certificateArn)
    }

    /// Per intermediate, the affected device certificates in `certificates.json` order.
    public struct Affected {
        var byIntermediate: [[(CertificateKey, String?)]]
        /// Elements whose chain could not be followed: the first few, and how many more.
        var skipped: [SnapshotProblem] = []
        var unlistedSkipped = 0
    }

    public func makeAccumulator(_ facts: Facts, context: AuditContext) -> Affected {
        Affected(byIntermediate: Array(repeating: [], count: facts.intermediates.count))
    }

    public func fold(_ contribution: Contribution, into accumulator: inout Affected, reporter: CheckReporter) {
        switch contribution {
        case .none: break
        case .skipped(let problem):
            if accumulator.skipped.count < 20 {
                accumulator.skipped.append(problem)
            } else {
                accumulator.unlistedSkipped += 1
            }
        case .affected(let positions, let id, let arn):
            for position in positions { accumulator.byIntermediate[position].append((id, arn)) }
        }
    }

    public func finish(_ accumulator: Affected, facts: Facts, context: AuditContext, reporter: CheckReporter)
        throws(SnapshotProblem)
    {
        for problem in facts.index.remarks.skippedInputs { reporter.skipped(problem) }
        for note in facts.index.remarks.notes { reporter.note(note) }
        reporter.remarks(
            CheckRemarks(skippedInputs: accumulator.skipped, unlistedSkippedCount: accumulator.unlistedSkipped))
        for (intermediate, affected) in zip(facts.intermediates, accumulator.byIntermediate) {
            report(
                intermediate.authority, intermediate.revocation, affected: affected, context: context,
                reporter: reporter)
        }
    }

    /// One intermediate's verdict: non-compliant when it is revoked and device certificates chain to it.
    private func report(
        _ authority: CertificateAuthorityIndex.Authority, _ revocation: CertificateAuthorityIndex.Revocation,
        affected: [(CertificateKey, String?)], context: AuditContext, reporter: CheckReporter
    ) {
        switch revocation {
        case .notRevoked:
            reporter.resource(.compliant)
        case .unknown(let reason):
            let problem = SnapshotProblem(
                file: authority.source,
                reason: "intermediate CA \(authority.certificate.subject): revocation unknown: \(reason)")
            reporter.resource(.notEvaluable(problem.reason), at: problem)
        case .revoked(let list):
            guard !affected.isEmpty else {
                reporter.resource(.compliant)
                return
            }
            let draft = finding(authority, revokedBy: list, affectedCount: affected.count)
            reporter.resource(.nonCompliant([draft]))
            // As in AWS, the affected certificates are not inline: they are
            // listed through related-resources (ListRelatedResourcesForAuditFinding),
            // written one by one from the compact ids.
            let region = context.snapshot.manifest.region
            let related = affected.lazy.map { id, arn in
                AuditResource(
                    .deviceCertificate,
                    .deviceCertificateArn(arn ?? "arn:aws:iot:\(region):\(context.accountId):cert/\(id.hex)"))
            }
            reporter.listRelatedResources(of: draft, related)
        }
    }

    /// The finding on a revoked intermediate (`ISSUER_CERTIFICATE`) that `affectedCount` device certificates chain to.
    private func finding(
        _ authority: CertificateAuthorityIndex.Authority, revokedBy list: String, affectedCount: Int
    ) -> FindingDraft {
        let certificate = authority.certificate
        return FindingDraft(
            resource: AuditResource(
                .issuerCertificate,
                .issuerCertificate(
                    subject: certificate.subject.description, issuerId: certificate.fingerprint,
                    serialNumber: certificate.serialNumberHex)),
            reasonCode: Self.reasonCode,
            reason: "Intermediate CA \(certificate.subject) (serial \(certificate.serialNumberHex), "
                + "\(authority.source)) was revoked by its issuer \(certificate.issuer) "
                + "(\(list)); \(affectedCount) active device certificate(s) chain to it.")
    }
}
