import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509
import X509

/// The CA certificates the snapshot knows (registered in `ca-certificates.json`,
/// or supplied in `ca-chain/*.pem`) and the CRLs of `crls/` matched to them:
/// the compact cross-file state of the revocation checks. It holds the CA
/// certificates (few) and, per CRL, only its issuer and revoked serial numbers.
///
/// A CRL is matched to a CA by issuer name (and, when both carry one, by the
/// CRL's authority key identifier against the CA's subject key identifier).
/// Its signature is verified with that CA's key through swift-certificates.
/// A CRL whose signature fails, or whose issuer is not known, is not used; one
/// swift-certificates cannot verify (algorithm or key it does not support) is
/// used as it is, and the check's message says so.
struct CertificateAuthorityIndex: Sendable {
    struct Authority: Sendable {
        var certificate: CertificateFields
        /// Where it came from, for messages (`ca-chain/field-ca.pem`, `ca-certificates.json: element 0`).
        var source: String
        /// The key as swift-certificates models it, to verify the CRLs this CA signed; nil when
        /// swift-certificates does not accept the key. The one place the certificate checks need
        /// swift-certificates (its signature verification), and only for the few CAs.
        var verificationKey: Certificate.PublicKey?

        init(certificate: CertificateFields, source: String) {
            self.certificate = certificate
            self.source = source
            self.verificationKey = try? Certificate.PublicKey(derEncoded: certificate.subjectPublicKeyInfoBytes)
        }
    }

    struct RevocationList: Sendable {
        var source: String
        /// For messages; `issuerBytes` is what is compared.
        var issuer: DistinguishedName
        var issuerBytes: ArraySlice<UInt8>
        var authorityKeyIdentifier: [UInt8]?
        var revoked: Set<[UInt8]>
        /// Why the list cannot be used; nil when it can.
        var problem: String?
    }

    /// How a certificate stands against its issuer's CRLs.
    enum Revocation: Sendable, Hashable {
        case revoked(list: String)
        case notRevoked
        /// The revocation status cannot be known; the reason says why.
        case unknown(String)
    }

    var authorities: [Authority] = []
    var lists: [RevocationList] = []
    var remarks = CheckRemarks()

    /// Reads `ca-certificates.json`, `ca-chain/` (optional) and `crls/`.
    /// `reportRegisteredProblems`: whether an undecodable registered CA is a skipped
    /// input (false for the check whose resources they are, which reports them itself).
    static func build(_ context: AuditContext, reportRegisteredProblems: Bool = true) throws(SnapshotProblem)
        -> CertificateAuthorityIndex
    {
        // Read once per run for the three checks that need it.
        try context.resources.shared("ca-index-\(reportRegisteredProblems)") { () throws(SnapshotProblem) in
            try read(context, reportRegisteredProblems: reportRegisteredProblems)
        }
    }

    private static func read(_ context: AuditContext, reportRegisteredProblems: Bool) throws(SnapshotProblem)
        -> CertificateAuthorityIndex
    {
        var index = CertificateAuthorityIndex()
        let snapshot = context.snapshot
        try SnapshotElements.forEach(.caCertificates, in: snapshot) { element throws(SnapshotProblem) in
            let decoded: Result<CertificateFields, NotEvaluable>
            switch element.value {
            case .failure(let problem):
                decoded = .fail(problem.reason)
            case .success(let value):
                decoded = CertificateElement.read(value).flatMap { $0.decode() }
            }
            switch decoded {
            case .success(let certificate):
                index.add(Authority(certificate: certificate, source: element.location.location))
            case .failure(let problem):
                if reportRegisteredProblems { index.remarks.skippedInputs.append(element.problem(problem.reason)) }
            }
        }
        switch snapshot.files(in: .caChain) {
        case .success(let files):
            for file in files { try index.addChain(file) }
        case .failure(let problem):
            // The folder is optional (there may be no unregistered intermediates), unless the exporter
            // says it could not collect it or it is there but refused (a link outside, a loop).
            if !snapshot.isAbsent(.caChain) { throw problem }
        }
        for file in try snapshot.files(in: .crls).get() { try index.addList(file) }
        return index
    }

    mutating func add(_ authority: Authority) {
        // The same certificate registered and in ca-chain/ is one CA.
        guard !authorities.contains(where: { $0.certificate.digest == authority.certificate.digest }) else {
            return
        }
        authorities.append(authority)
    }

    mutating func addChain(_ file: DirectoryEntry) throws(SnapshotProblem) {
        guard file.name.hasSuffix(".pem") else {
            remarks.skippedInputs.append(SnapshotProblem(file: file.name, reason: "not a .pem file; ignored"))
            return
        }
        let text = String(decoding: try Snapshot.readBytes(file), as: UTF8.self)
        let blocks: [Result<CertificateFields, X509Problem>]
        switch CertificateFields.decodeBundle(pem: text) {
        case .success(let decoded): blocks = decoded
        case .failure(let problem):
            remarks.skippedInputs.append(SnapshotProblem(file: file.name, reason: problem.reason))
            return
        }
        for (position, block) in blocks.enumerated() {
            let source = blocks.count > 1 ? "\(file.name) (block \(position + 1))" : file.name
            switch block {
            case .success(let certificate): add(Authority(certificate: certificate, source: source))
            case .failure(let problem):
                remarks.skippedInputs.append(SnapshotProblem(file: source, reason: problem.reason))
            }
        }
    }

    mutating func addList(_ file: DirectoryEntry) throws(SnapshotProblem) {
        let list: CertificateRevocationList
        switch CertificateRevocationList.decode(file: try Snapshot.readBytes(file)) {
        case .success(let decoded): list = decoded
        case .failure(let problem):
            remarks.skippedInputs.append(SnapshotProblem(file: file.name, reason: problem.reason))
            return
        }
        var entry = RevocationList(
            source: file.name, issuer: list.issuer, issuerBytes: list.issuerBytes,
            authorityKeyIdentifier: list.authorityKeyIdentifier,
            revoked: list.revokedSerialNumbers, problem: nil)
        let issuers = authorities.filter {
            Self.matches(list.issuerBytes, list.authorityKeyIdentifier, $0.certificate)
        }
        if issuers.isEmpty {
            entry.problem = "its issuer \(list.issuer) is neither a registered CA nor in ca-chain/"
        } else {
            var unsupported: String? = nil
            var verified = false
            for issuer in issuers {
                switch list.verifySignature(
                    issuerKey: issuer.verificationKey,
                    issuerKeyDescription: "\(issuer.certificate.publicKey)")
                {
                case .valid: verified = true
                case .invalid: break
                case .unsupported(let reason): unsupported = reason
                }
                if verified { break }
            }
            if !verified {
                if let unsupported {
                    remarks.notes.append(
                        "\(file.name): signature not verified (\(unsupported)); the CRL is used as it is")
                } else {
                    let names = issuers.map { "\($0.certificate.subject) (\($0.source))" }.joined(separator: ", ")
                    entry.problem =
                        "its \(list.signatureAlgorithmName) signature does not verify with the key of \(names)"
                }
            }
        }
        if let problem = entry.problem {
            remarks.skippedInputs.append(SnapshotProblem(file: file.name, reason: problem + "; not used"))
        }
        lists.append(entry)
    }

    /// Whether `authority` may have issued something whose issuer `Name` is `issuer` (DER) with
    /// authority key id `keyId`.
    static func matches<KeyId: Collection<UInt8>>(
        _ issuer: ArraySlice<UInt8>, _ keyId: KeyId?, _ authority: CertificateFields
    ) -> Bool {
        guard authority.subjectBytes.elementsEqual(issuer) else { return false }
        guard let keyId, let subjectKeyId = authority.subjectKeyIdentifier else { return true }
        return keyId.elementsEqual(subjectKeyId)
    }

    /// The known CAs that may have issued `certificate`.
    func issuers(of certificate: CertificateFields) -> [Authority] {
        authorities.filter {
            $0.certificate.digest != certificate.digest
                && Self.matches(certificate.issuerBytes, certificate.authorityKeyIdentifier, $0.certificate)
        }
    }

    /// Whether the issuer of `certificate` revoked it.
    ///
    /// Revoked: its serial is in a usable CRL of its issuer. Not revoked: usable
    /// CRLs of its issuer do not list it, or there is none and the certificate
    /// names no CRL distribution point (its issuer publishes no CRL for it).
    /// Unknown: the issuer's CRLs are all unusable, or the certificate names a
    /// distribution point whose CRL is not in `crls/`.
    func revocation(of certificate: CertificateFields) -> Revocation {
        // One pass by position, without filtered copies of the lists: this runs for every
        // device certificate of the fleet, and each copied list retained its sets and names.
        var firstCandidate: Int?
        var sawUsable = false
        var serial: [UInt8]?
        for position in lists.indices {
            guard lists[position].issuerBytes.elementsEqual(certificate.issuerBytes) else { continue }
            if let listKeyId = lists[position].authorityKeyIdentifier, let keyId = certificate.authorityKeyIdentifier,
                !listKeyId.elementsEqual(keyId)
            {
                continue
            }
            if firstCandidate == nil { firstCandidate = position }
            guard lists[position].problem == nil else { continue }
            sawUsable = true
            if serial == nil { serial = certificate.serialNumber }
            if let serial, lists[position].revoked.contains(serial) { return .revoked(list: lists[position].source) }
        }
        if sawUsable { return .notRevoked }
        if let firstCandidate, let problem = lists[firstCandidate].problem {
            return .unknown("the CRL of its issuer (\(lists[firstCandidate].source)) is not usable: \(problem)")
        }
        if certificate.hasCRLDistributionPoints {
            let points = certificate.crlDistributionPoints.joined(separator: ", ")
            return .unknown(
                "no CRL of its issuer \(certificate.issuer) in crls/"
                    + (points.isEmpty ? "" : " (its CRL distribution point: \(points))"))
        }
        return .notRevoked
    }
}
