import Crypto
import FleetAuditBase
import FleetAuditCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a fleet could not be generated.
public struct GeneratorError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// One check's expected result in a generated snapshot.
public struct ExpectedCheck: Sendable, Hashable {
    public var name: String
    public var totalResourcesCount: Int
    public var nonCompliantResourcesCount: Int
}

/// What `fleet-audit generate` wrote and what an audit of it must report.
public struct GeneratedFleet: Sendable {
    public var devices: Int
    public var seed: UInt64
    public var certificates: Int
    public var policies: Int
    public var policyVersions: Int
    public var logLines: Int
    /// Every check of the registry, in registry order.
    public var checks: [ExpectedCheck]
}

/// `fleet-audit generate`: a deterministic fleet snapshot of `devices` devices
/// with the proportions of a real export (issue 9): about 0.97 certificates per
/// device with real PEMs, a policy per ten devices with one to five versions,
/// things, principals, policy targets, thing groups, a day of connection logs
/// (about three sessions per device), and planted violations of every check,
/// counted as they are planted into `expected-counts.json`.
///
/// The same seed gives the same bytes on any number of workers: every device,
/// policy and CA draws from its own random stream, chunks are rendered in
/// parallel and appended in chunk order, and every signature is Ed25519
/// (deterministic on Linux, where swift-crypto uses BoringSSL; Apple's
/// CryptoKit randomises Ed25519 signatures, so there only the certificate
/// bytes and ids differ between runs, not the counts).
public struct FleetGenerator: Sendable {
    public static let account = "123456789012"
    public static let region = "us-east-1"
    /// Fixed, so that a snapshot audits the same way forever (the audit clock is the manifest's).
    public static let exportedAt = "2026-11-26T08:00:00Z"
    static let exportedAtSeconds = CivilTime.seconds(year: 2026, month: 11, day: 26, hour: 8)

    public var devices: Int
    public var seed: UInt64
    public var workers: Int

    public init(devices: Int, seed: UInt64, workers: Int) {
        self.devices = devices
        self.seed = seed
        self.workers = max(1, workers)
    }

    /// Writes the snapshot into `directory`, which must not exist or be empty.
    public func generate(into directory: String) throws(GeneratorError) -> GeneratedFleet {
        guard devices >= 1 else { throw GeneratorError("--devices must be at least 1") }
        try Self.prepare(directory)
        for folder in ["ca-chain", "crls", "iot-logs"] {
            guard mkdir(directory + "/" + folder, 0o755) == 0 else {
                throw GeneratorError("\(directory)/\(folder): cannot create: \(FileSystem.lastError)")
            }
        }
        let plan = FleetPlan(
            devices: devices, seed: seed, account: Self.account, region: Self.region,
            auditSeconds: Self.exportedAtSeconds)
        let day = plan.logDayStart / 1000
        let date = CivilTime(seconds: day)
        var prefix: [UInt8] = []
        Text.digits(date.year, width: 4, into: &prefix)
        prefix.add("-")
        Text.digits(date.month, width: 2, into: &prefix)
        prefix.add("-")
        Text.digits(date.day, width: 2, into: &prefix)
        let logPrefix = String(decoding: prefix, as: UTF8.self)

        let arrays: [(String, String)] = [
            ("certificates.json", "certificateDescriptions"), ("things.json", "things"),
            ("thing-principals.json", "principalThings"), ("policies.json", "policyVersions"),
            ("policy-targets.json", "policyTargets"),
        ]
        var files: [ArrayFile] = []
        for (name, key) in arrays { files.append(try ArrayFile(path: directory + "/" + name, key: key)) }
        var logs: [GeneratedFile] = []
        for hour in 0..<24 {
            var name: [UInt8] = Array("\(directory)/iot-logs/\(logPrefix)-".utf8)
            Text.digits(hour, width: 2, into: &name)
            name.add(".jsonl")
            logs.append(try GeneratedFile(path: String(decoding: name, as: UTF8.self)))
        }

        var tally = Tally()
        var revocations: [[Revocation]] = Array(repeating: [], count: plan.authorities.all.count)
        var failure: GeneratorError? = nil
        Parallel.orderedForEach(
            count: plan.chunkCount, workers: workers, window: workers * 2, { plan.render(chunk: $0) }
        ) { _, output in
            guard failure == nil else { return }
            do throws(GeneratorError) {
                try files[0].append(output.certificates)
                try files[1].append(output.things)
                try files[2].append(output.principals)
                try files[3].append(output.policies)
                try files[4].append(output.targets)
                for hour in 0..<24 { try logs[hour].write(output.logs[hour]) }
            } catch {
                failure = error
            }
            tally.add(output.tally)
            for index in revocations.indices { revocations[index] += output.revocations[index] }
        }
        if let failure { throw failure }
        for file in files { try file.finish() }
        for log in logs { try log.close() }

        try writeAuthorities(plan, revocations: revocations, into: directory)
        try writeAccountFiles(plan, into: directory)
        try writeGroupMembers(into: directory + "/thing-group-members.json")

        let fleet = GeneratedFleet(
            devices: devices, seed: seed, certificates: tally.certificates, policies: tally.policies,
            policyVersions: tally.policyVersions, logLines: tally.logLines, checks: Self.expected(tally))
        try GeneratedFile.write(Self.expectedCountsJSON(fleet), to: directory + "/expected-counts.json")
        return fleet
    }

    /// The expected result of every check, in registry order.
    static func expected(_ tally: Tally) -> [ExpectedCheck] {
        var byName: [String: (Int, Int)] = [:]
        for (name, total, nonCompliant) in AccountFiles.expected { byName[name] = (total, nonCompliant) }
        byName["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"] = (tally.policies, tally.overlyPermissive)
        byName["IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK"] = (tally.policies, tally.misconfigured)
        byName["DEVICE_CERTIFICATE_EXPIRING_CHECK"] = (tally.inScope, tally.expiring)
        byName["DEVICE_CERTIFICATE_AGE_CHECK"] = (tally.inScope, tally.aged)
        byName["DEVICE_CERTIFICATE_KEY_QUALITY_CHECK"] = (tally.inScope, tally.roca)
        byName["REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"] = (tally.inScope, tally.revokedInScope)
        // ACTIVE registered CAs: root, issuing-1, issuing-2 (expiring), legacy (revoked), partner (ROCA).
        byName["CA_CERTIFICATE_EXPIRING_CHECK"] = (5, 1)
        byName["CA_CERTIFICATE_KEY_QUALITY_CHECK"] = (5, 1)
        byName["REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"] = (5, 1)
        // Every known CA that is not self-issued: the field CA is revoked and (when any active device
        // chains to it) non-compliant; the legacy CA is revoked with no devices.
        byName["INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"] = (6, tally.fieldInScope > 0 ? 1 : 0)
        byName["DEVICE_CERTIFICATE_SHARED_CHECK"] = (tally.certificatesWithSessions, tally.shared)
        byName["CONFLICTING_CLIENT_IDS_CHECK"] = (tally.clientIds, tally.conflicting)
        return AccountFiles.checkNames.map { name in
            let (total, nonCompliant) = byName[name] ?? (0, 0)
            return ExpectedCheck(name: name, totalResourcesCount: total, nonCompliantResourcesCount: nonCompliant)
        }
    }

    static func expectedCountsJSON(_ fleet: GeneratedFleet) -> String {
        let checks = fleet.checks.map { check in
            "        {\n            \"checkName\": \"\(check.name)\",\n            \"totalResourcesCount\": \(check.totalResourcesCount),\n            \"nonCompliantResourcesCount\": \(check.nonCompliantResourcesCount)\n        }"
        }
        return """
            {
                "generator": "fleet-audit generate",
                "devices": \(fleet.devices),
                "seed": \(fleet.seed),
                "certificates": \(fleet.certificates),
                "policies": \(fleet.policies),
                "policyVersions": \(fleet.policyVersions),
                "logLines": \(fleet.logLines),
                "checks": [
            \(checks.joined(separator: ",\n"))
                ]
            }

            """
    }

    static func prepare(_ directory: String) throws(GeneratorError) {
        if let entries = FileSystem.entries(of: directory) {
            guard entries.isEmpty else { throw GeneratorError("\(directory): exists and is not empty") }
            return
        }
        guard mkdir(directory, 0o755) == 0 else {
            throw GeneratorError("\(directory): cannot create: \(FileSystem.lastError)")
        }
    }

    func writeAuthorities(_ plan: FleetPlan, revocations: [[Revocation]], into directory: String)
        throws(GeneratorError)
    {
        let authorities = plan.authorities.all
        var registered: [UInt8] = Array("{\n    \"certificateDescriptions\": [".utf8)
        var first = true
        for authority in authorities where authority.isRegistered {
            registered.add(first ? "\n        {" : ",\n        {")
            first = false
            registered.add("\n            \"certificateArn\": \"\(plan.arnPrefix):cacert/\(authority.fingerprint)\",")
            registered.add("\n            \"certificateId\": \"\(authority.fingerprint)\",")
            registered.add("\n            \"status\": \"\(authority.status)\",\n            \"certificatePem\": \"")
            Text.pem("CERTIFICATE", authority.der, newline: Array("\\n".utf8), into: &registered)
            registered.add("\",\n            \"ownedBy\": \"\(plan.account)\",\n            \"creationDate\": \"")
            Text.iso(milliseconds: authority.creationMilliseconds, fraction: true, into: &registered)
            registered.add(
                "\",\n            \"autoRegistrationStatus\": \"DISABLE\",\n            \"lastModifiedDate\": \"")
            Text.iso(milliseconds: authority.creationMilliseconds, fraction: true, into: &registered)
            registered.add("\",\n            \"customerVersion\": 1,\n            \"generationId\": \"")
            var random = SeededRandom(seed: seed, stream: 102, index: UInt64(authority.serial.count))
            Text.uuid(&random, into: &registered)
            registered.add("\",\n            \"validity\": {\n                \"notBefore\": \"")
            Text.iso(milliseconds: authority.notBefore * 1000, fraction: false, into: &registered)
            registered.add("\",\n                \"notAfter\": \"")
            Text.iso(milliseconds: authority.notAfter * 1000, fraction: false, into: &registered)
            registered.add("\"\n            },\n            \"certificateMode\": \"DEFAULT\"\n        }")
        }
        registered.add("\n    ]\n}\n")
        try GeneratedFile.write(registered, to: directory + "/ca-certificates.json")

        let field = authorities[AuthoritySet.field]
        var chain: [UInt8] = []
        Text.pem("CERTIFICATE", field.der, newline: [0x0A], into: &chain)
        try GeneratedFile.write(chain, to: directory + "/ca-chain/\(field.slug).pem")

        // CRLs: the root's revokes the field and legacy CAs; each device issuer's lists its planted serials.
        let audit = plan.auditMilliseconds / 1000
        let day: Int64 = 86_400
        var lists = revocations
        lists[AuthoritySet.root] += [
            Revocation(serial: authorities[AuthoritySet.field].serial, time: audit - 40 * day, reason: 1),
            Revocation(serial: authorities[AuthoritySet.legacy].serial, time: audit - 90 * day, reason: 5),
        ]
        for index in [
            AuthoritySet.root, AuthoritySet.issuing1, AuthoritySet.issuing2, AuthoritySet.field, AuthoritySet.legacy,
        ] {
            let authority = authorities[index]
            guard
                let der = Signer.revocationList(
                    issuer: authority, thisUpdate: audit - 2 * day, nextUpdate: audit + 5 * day, number: 40 + index,
                    entries: lists[index].map { ($0.serial, $0.time, $0.reason) })
            else { continue }
            // The root's CRL as PEM, the others as DER: both forms are in use.
            if index == AuthoritySet.root {
                var pem: [UInt8] = []
                Text.pem("X509 CRL", der, newline: [0x0A], into: &pem)
                try GeneratedFile.write(pem, to: directory + "/crls/\(authority.slug).pem")
            } else {
                try GeneratedFile.write(der, to: directory + "/crls/\(authority.slug).crl")
            }
        }
    }

    func writeAccountFiles(_ plan: FleetPlan, into directory: String) throws(GeneratorError) {
        let account = plan.account
        let region = plan.region
        let audit = plan.auditMilliseconds
        let files: [(String, String)] = [
            ("manifest.json", AccountFiles.manifest(account: account, region: region, exportedAt: Self.exportedAt)),
            ("logging-options.json", AccountFiles.loggingOptions(account: account)),
            ("v2-logging-options.json", AccountFiles.v2LoggingOptions(account: account)),
            ("v2-logging-levels.json", AccountFiles.v2LoggingLevels),
            ("audit-configuration.json", AccountFiles.auditConfiguration(account: account, region: region)),
            ("role-aliases.json", AccountFiles.roleAliases(account: account, region: region)),
            ("iam.json", AccountFiles.iam(account: account, region: region)),
            (
                "iam-service-last-accessed.json",
                AccountFiles.serviceLastAccessed(
                    account: account, region: region,
                    recent: Text.iso(milliseconds: audit - 2 * 86_400_000, fraction: false),
                    old: Text.iso(milliseconds: audit - 400 * 86_400_000, fraction: false))
            ),
            ("cognito-identity-pools.json", AccountFiles.cognitoPools(account: account)),
            ("thing-groups.json", AccountFiles.thingGroups(account: account, region: region, sites: FleetPlan.sites)),
        ]
        for (name, text) in files { try GeneratedFile.write(Array(text.utf8), to: directory + "/" + name) }
    }

    /// list-things-in-thing-group for every site group (a device's site is its index modulo the site count).
    func writeGroupMembers(into path: String) throws(GeneratorError) {
        let file = try GeneratedFile(path: path)
        try file.write(Array("{\n    \"thingGroupMembers\": [".utf8))
        for site in 0..<FleetPlan.sites {
            var buffer: [UInt8] = []
            buffer.add(
                site == 0
                    ? "\n        {\n            \"thingGroupName\": \"site-"
                    : ",\n        {\n            \"thingGroupName\": \"site-")
            Text.digits(site, width: 2, into: &buffer)
            buffer.add("\",\n            \"things\": [")
            var first = true
            for index in stride(from: site, to: devices, by: FleetPlan.sites) {
                buffer.add(first ? "\n                \"device-" : ",\n                \"device-")
                first = false
                Text.digits(index, width: 7, into: &buffer)
                buffer.add("\"")
                if buffer.count > 1 << 20 {
                    try file.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            buffer.add(first ? "]\n        }" : "\n            ]\n        }")
            try file.write(buffer)
        }
        try file.write(Array("\n    ]\n}\n".utf8))
        try file.close()
    }
}

/// An output file written through stdio with a large buffer.
final class GeneratedFile {
    let path: String
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws(GeneratorError) {
        self.path = path
        guard let handle = fopen(path, "wx") else {
            throw GeneratorError("\(path): cannot create: \(FileSystem.lastError)")
        }
        setvbuf(handle, nil, _IOFBF, 1 << 20)
        self.handle = handle
    }

    deinit { if let handle { fclose(handle) } }

    func write(_ bytes: [UInt8]) throws(GeneratorError) {
        guard !bytes.isEmpty, let handle else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == bytes.count else { throw GeneratorError("\(path): write failed: \(FileSystem.lastError)") }
    }

    func close() throws(GeneratorError) {
        guard let handle else { return }
        self.handle = nil
        guard fclose(handle) == 0 else { throw GeneratorError("\(path): write failed: \(FileSystem.lastError)") }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(GeneratorError) {
        let file = try GeneratedFile(path: path)
        try file.write(bytes)
        try file.close()
    }

    static func write(_ text: String, to path: String) throws(GeneratorError) {
        try write(Array(text.utf8), to: path)
    }
}

/// A `{"key": [elements]}` file whose elements arrive as chunks, each element
/// rendered with a leading `,` that the first one drops.
struct ArrayFile {
    let file: GeneratedFile
    private var empty = true

    init(path: String, key: String) throws(GeneratorError) {
        file = try GeneratedFile(path: path)
        try file.write(Array("{\n    \"\(key)\": [".utf8))
    }

    mutating func append(_ elements: [UInt8]) throws(GeneratorError) {
        guard !elements.isEmpty else { return }
        if empty {
            empty = false
            try file.write(Array(elements.dropFirst()))
        } else {
            try file.write(elements)
        }
    }

    func finish() throws(GeneratorError) {
        try file.write(Array("\n    ]\n}\n".utf8))
        try file.close()
    }
}
