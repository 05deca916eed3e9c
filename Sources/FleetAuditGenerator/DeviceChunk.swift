import Crypto

/// What the generator knows when the planted violations are counted: the
/// tallies behind `expected-counts.json`, summed over chunks.
struct Tally: Sendable {
    var things = 0
    var certificates = 0
    /// ACTIVE or PENDING_TRANSFER device certificates: the device certificate checks' resources.
    var inScope = 0
    var expiring = 0
    var aged = 0
    var roca = 0
    var revokedInScope = 0
    var fieldInScope = 0
    var policies = 0
    var policyVersions = 0
    var overlyPermissive = 0
    var misconfigured = 0
    var certificatesWithSessions = 0
    var shared = 0
    var clientIds = 0
    var conflicting = 0
    var logLines = 0

    mutating func add(_ other: Tally) {
        things += other.things
        certificates += other.certificates
        inScope += other.inScope
        expiring += other.expiring
        aged += other.aged
        roca += other.roca
        revokedInScope += other.revokedInScope
        fieldInScope += other.fieldInScope
        policies += other.policies
        policyVersions += other.policyVersions
        overlyPermissive += other.overlyPermissive
        misconfigured += other.misconfigured
        certificatesWithSessions += other.certificatesWithSessions
        shared += other.shared
        clientIds += other.clientIds
        conflicting += other.conflicting
        logLines += other.logLines
    }
}

/// A CRL entry to be: the serial, when it was revoked, and the RFC 5280 reason code.
struct Revocation: Sendable {
    var serial: [UInt8]
    var time: Int64
    var reason: UInt8
}

/// The output of one chunk of devices (and the policies they are attached to),
/// one buffer per file, appended to the files in chunk order.
struct ChunkOutput: Sendable {
    var certificates: [UInt8] = []
    var things: [UInt8] = []
    var principals: [UInt8] = []
    var policies: [UInt8] = []
    var targets: [UInt8] = []
    var logs: [[UInt8]] = Array(repeating: [], count: 24)
    var tally = Tally()
    /// Per authority index, the serials its CRL lists.
    var revocations: [[Revocation]] = []
}

/// Everything fixed for a whole run, shared read-only by the chunk workers.
struct FleetPlan: Sendable {
    static let devicesPerChunk = 1000
    static let devicesPerPolicy = 10

    var devices: Int
    var seed: UInt64
    var account: String
    var region: String
    var auditMilliseconds: Int64
    var authorities: AuthoritySet
    var logDayStart: Int64
    /// Per authority: the DER of the device certificate extensions that name it (AKI, CRL distribution point).
    var deviceExtensions: [[UInt8]]
    var keys: [(kind: KeyKind, infos: [[UInt8]])]
    var policyDocuments: [String]

    enum KeyKind: Int, Sendable {
        case rsa2048, p256, rsa1024, roca2048
    }

    var policyCount: Int { (devices + Self.devicesPerPolicy - 1) / Self.devicesPerPolicy }
    var chunkCount: Int { (devices + Self.devicesPerChunk - 1) / Self.devicesPerChunk }

    var arnPrefix: String { "arn:aws:iot:\(region):\(account)" }

    init(devices: Int, seed: UInt64, account: String, region: String, auditSeconds: Int64) {
        self.devices = devices
        self.seed = seed
        self.account = account
        self.region = region
        auditMilliseconds = auditSeconds * 1000
        authorities = AuthoritySet(seed: seed, auditSeconds: auditSeconds)
        // The logs hold the whole UTC day before the export's day.
        logDayStart = (auditSeconds / 86_400 - 1) * 86_400_000
        deviceExtensions = authorities.all.map { authority in
            let fixed = [
                DER.extensionField(DER.basicConstraints, critical: true, DER.sequence()),
                DER.extensionField(DER.keyUsage, critical: true, [0x03, 0x02, 0x07, 0x80]),
                DER.extensionField(DER.extendedKeyUsage, critical: false, DER.sequence(DER.clientAuth)),
                DER.extensionField(
                    DER.authorityKeyIdentifier, critical: false, DER.sequence(DER.tlv(0x80, authority.keyIdentifier))),
                Signer.distributionPoint(authority.crlURL),
            ]
            return Array(fixed.joined())
        }
        keys = [
            (.rsa2048, KeyPool.rsa2048.map(Text.decodeHex)), (.p256, KeyPool.p256.map(Text.decodeHex)),
            (.rsa1024, KeyPool.rsa1024.map(Text.decodeHex)),
            // The last ROCA key is the partner CA's; devices use the others.
            (.roca2048, KeyPool.roca2048.dropLast().map(Text.decodeHex)),
        ]
        policyDocuments = PolicyTemplate.allCases.map { $0.document(account: account, region: region) }
    }

    static func deviceName(_ index: Int) -> String {
        var out: [UInt8] = Array("device-".utf8)
        Text.digits(index, width: 7, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func policyName(_ index: Int) -> String {
        var out: [UInt8] = Array("fleet-device-policy-".utf8)
        Text.digits(index, width: 6, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static let sites = 16
    static let thingTypes = ["SensorV1", "SensorV2", "SensorV2", "Gateway"]
    static let firmware = ["1.4.2", "2.0.1", "2.1.0", "2.4.1"]
}

/// Random streams: one per purpose and index, so adding a purpose never shifts another.
enum Stream {
    static let device: UInt64 = 1
    static let logs: UInt64 = 2
    static let policy: UInt64 = 3
}

/// Per-million shares of the device population.
enum Share {
    static let withoutCertificate = 30_000
    static let revoked = 15_000
    static let inactive = 25_000
    static let pendingTransfer = 5_000
    static let rocaKey = 500
    static let rsa1024Key = 20_000
    static let p256Key = 470_000
    static let expired = 10_000
    static let expiring = 15_000
    static let activeInCRL = 3_000
    static let revokedInCRL = 800_000
    static let inactiveInCRL = 20_000
    static let offline = 50_000
    static let stillConnected = 50_000
    static let failedConnect = 10_000
    static let sharedCertificate = 2_000
    static let duplicateFromAnotherAddress = 1_000
    static let duplicateFromAnotherPrincipal = 1_000
}

extension FleetPlan {
    /// Renders chunk `chunk`: its devices' things, certificates, principals and
    /// log lines, and the policies attached to them.
    func render(chunk: Int) -> ChunkOutput {
        var output = ChunkOutput()
        output.revocations = Array(repeating: [], count: authorities.all.count)
        let first = chunk * Self.devicesPerChunk
        let end = min(devices, first + Self.devicesPerChunk)
        let firstPolicy = first / Self.devicesPerPolicy
        let endPolicy = min(policyCount, (end + Self.devicesPerPolicy - 1) / Self.devicesPerPolicy)
        var targets: [[String]] = Array(repeating: [], count: endPolicy - firstPolicy)
        for index in first..<end {
            if let arn = renderDevice(index, into: &output) {
                targets[index / Self.devicesPerPolicy - firstPolicy].append(arn)
            }
        }
        for policy in firstPolicy..<endPolicy {
            renderPolicy(policy, targets: targets[policy - firstPolicy], into: &output)
        }
        return output
    }

    /// Writes one device; returns its certificate ARN when it has one.
    func renderDevice(_ index: Int, into output: inout ChunkOutput) -> String? {
        var random = SeededRandom(seed: seed, stream: Stream.device, index: UInt64(index))
        let name = Self.deviceName(index)
        renderThing(index, name: name, random: &random, into: &output)
        guard !random.chance(perMillion: Share.withoutCertificate) else { return nil }

        let certificate = DeviceCertificate(index, plan: self, random: &random)
        let issuer = authorities.all[certificate.issuerIndex]
        var der: [UInt8] = []
        if let key = issuer.signingKey {
            der = Signer.certificate(
                serial: certificate.serial, issuer: issuer.name,
                subject: DER.name(country: nil, organization: Signer.organization, commonName: name),
                notBefore: certificate.notBefore / 1000, notAfter: certificate.notAfter / 1000,
                subjectPublicKeyInfo: certificate.keyInfo, extensions: [deviceExtensions[certificate.issuerIndex]],
                key: key)
        }
        let id = Text.hex(SHA256.hash(data: der))
        let arn = "\(arnPrefix):cert/\(id)"
        let listed = revoke(certificate, random: &random, into: &output)
        output.certificates += certificateElement(certificate, arn: arn, id: id, der: der, random: &random)
        output.principals.add(
            ",\n        {\n            \"principal\": \"\(arn)\",\n            \"things\": [\n                \"\(name)\"\n"
                + "            ]\n        }")
        output.tally.count(certificate, listed: listed, auditMilliseconds: auditMilliseconds)
        if certificate.status == "ACTIVE" {
            renderSessions(index, name: name, certificateId: id, into: &output)
        }
        return arn
    }

    /// The device's thing (list-things element): its type and firmware are the first draws of its stream.
    func renderThing(_ index: Int, name: String, random: inout SeededRandom, into output: inout ChunkOutput) {
        let type = Self.thingTypes[random.below(Self.thingTypes.count)]
        let firmware = Self.firmware[random.below(Self.firmware.count)]
        var thing: [UInt8] = []
        thing.add(",\n        {\n            \"thingName\": \"\(name)\",\n            \"thingTypeName\": \"\(type)\",")
        thing.add("\n            \"thingArn\": \"\(arnPrefix):thing/\(name)\",\n            \"attributes\": {")
        thing.add("\n                \"site\": \"site-")
        Text.digits(index % Self.sites, width: 2, into: &thing)
        thing.add(
            "\",\n                \"firmware\": \"\(firmware)\"\n            },\n            \"version\": 1\n        }")
        output.things += thing
        output.tally.things += 1
    }

    /// Whether the issuer's CRL lists the certificate (more likely the more it was meant to be
    /// revoked); a listed one is added to the issuer's revocations.
    func revoke(_ certificate: DeviceCertificate, random: inout SeededRandom, into output: inout ChunkOutput) -> Bool {
        let listed: Bool
        switch certificate.status {
        case "REVOKED": listed = random.chance(perMillion: Share.revokedInCRL)
        case "INACTIVE": listed = random.chance(perMillion: Share.inactiveInCRL)
        default: listed = random.chance(perMillion: Share.activeInCRL)
        }
        if listed {
            let day = DeviceCertificate.day
            let when = max(certificate.notBefore, auditMilliseconds - day - random.below(200 * day)) / 1000
            // keyCompromise (1), cessationOfOperation (5), superseded (4).
            let reasons: [UInt8] = [1, 5, 4]
            output.revocations[certificate.issuerIndex].append(
                Revocation(serial: certificate.serial, time: when, reason: reasons[random.below(reasons.count)]))
        }
        return listed
    }

    /// The certificate's element, in describe-certificate's member order.
    func certificateElement(
        _ certificate: DeviceCertificate, arn: String, id: String, der: [UInt8], random: inout SeededRandom
    ) -> [UInt8] {
        let issuer = authorities.all[certificate.issuerIndex]
        var element: [UInt8] = []
        element.add(
            ",\n        {\n            \"certificateArn\": \"\(arn)\",\n            \"certificateId\": \"\(id)\",")
        if issuer.isRegistered {
            element.add("\n            \"caCertificateId\": \"\(issuer.fingerprint)\",")
        }
        element.add("\n            \"status\": \"\(certificate.status)\",\n            \"certificatePem\": \"")
        Text.pem("CERTIFICATE", der, newline: Array("\\n".utf8), into: &element)
        element.add("\",\n            \"ownedBy\": \"\(account)\",\n            \"creationDate\": \"")
        Text.iso(milliseconds: certificate.created, fraction: true, into: &element)
        element.add("\",\n            \"lastModifiedDate\": \"")
        Text.iso(milliseconds: certificate.created, fraction: true, into: &element)
        element.add("\",\n            \"customerVersion\": 1,\n            \"transferData\": {},")
        element.add("\n            \"generationId\": \"")
        Text.uuid(&random, into: &element)
        element.add("\",\n            \"validity\": {\n                \"notBefore\": \"")
        Text.iso(milliseconds: certificate.notBefore, fraction: false, into: &element)
        element.add("\",\n                \"notAfter\": \"")
        Text.iso(milliseconds: certificate.notAfter, fraction: false, into: &element)
        element.add("\"\n            },\n            \"certificateMode\": \"DEFAULT\"\n        }")
        return element
    }

    /// A day of Connect/Disconnect entries of one active device, with the planted
    /// shared certificates and conflicting client IDs.
    func renderSessions(_ index: Int, name: String, certificateId: String, into output: inout ChunkOutput) {
        var random = SeededRandom(seed: seed, stream: Stream.logs, index: UInt64(index))
        guard !random.chance(perMillion: Share.offline) else { return }
        let device = DeviceSessions(index, logDayStart: logDayStart, random: &random)
        let address = "10.\((index >> 16) & 255).\((index >> 8) & 255).\(index & 255)"
        let connection = (client: name, principal: certificateId, address: address)
        for (position, session) in device.sessions.enumerated() {
            logLine(
                connect: true, time: session.start, client: name, principal: certificateId, address: address,
                port: session.port, reason: nil, random: &random, into: &output)
            if position == 0 && device.displaced {
                logTakeover(
                    of: session, connection, anotherPrincipal: device.principalPlant, random: &random, into: &output)
                continue
            }
            if position == device.sessions.count - 1 && device.stillConnected { continue }
            let reasons = [
                "CLIENT_INITIATED_DISCONNECT", "CLIENT_INITIATED_DISCONNECT", "CLIENT_INITIATED_DISCONNECT",
                "CONNECTION_LOST", "MQTT_KEEP_ALIVE_TIMEOUT", "CLIENT_ERROR",
            ]
            logLine(
                connect: false, time: session.end, client: name, principal: certificateId, address: address,
                port: session.port, reason: reasons[random.below(reasons.count)], random: &random, into: &output)
        }
        if device.sharedPlant {
            logClone(during: device.sessions[0], connection, random: &random, into: &output)
        }
        if random.chance(perMillion: Share.failedConnect) {
            logRefusedConnect(connection, random: &random, into: &output)
        }
        output.tally.clientIds += 1
        output.tally.certificatesWithSessions += 1
        if device.displaced { output.tally.conflicting += 1 }
        // A takeover with the device's own certificate is two connections with it at once.
        if device.addressPlant { output.tally.shared += 1 }
    }

    /// Another connection takes the client ID halfway through `session`; the broker drops the
    /// device's, logged as DUPLICATE_CLIENTID. The other comes from another address, with the
    /// device's certificate or, when `anotherPrincipal`, another principal.
    func logTakeover(
        of session: DeviceSessions.Session, _ connection: (client: String, principal: String, address: String),
        anotherPrincipal: Bool, random: inout SeededRandom, into output: inout ChunkOutput
    ) {
        let takeover = session.start + (session.end - session.start) / 2
        logLine(
            connect: false, time: takeover, client: connection.client, principal: connection.principal,
            address: connection.address, port: session.port, reason: "DUPLICATE_CLIENTID", random: &random,
            into: &output)
        var principal = connection.principal
        if anotherPrincipal {
            var text: [UInt8] = Array("\(region):".utf8)
            Text.uuid(&random, into: &text)
            principal = String(decoding: text, as: UTF8.self)
        }
        let other = "203.0.113.\(1 + random.below(254))"
        let port = 1024 + random.below(60_000)
        logLine(
            connect: true, time: takeover, client: connection.client, principal: principal, address: other, port: port,
            reason: nil, random: &random, into: &output)
        logLine(
            connect: false, time: session.end, client: connection.client, principal: principal, address: other,
            port: port, reason: "CLIENT_INITIATED_DISCONNECT", random: &random, into: &output)
    }

    /// A clone with another client ID connects with the device's certificate during `session`.
    func logClone(
        during session: DeviceSessions.Session, _ connection: (client: String, principal: String, address: String),
        random: inout SeededRandom, into output: inout ChunkOutput
    ) {
        let third = (session.end - session.start) / 3
        let clone = "198.51.100.\(1 + random.below(254))"
        let port = 1024 + random.below(60_000)
        logLine(
            connect: true, time: session.start + third, client: connection.client + "-2",
            principal: connection.principal, address: clone, port: port, reason: nil, random: &random, into: &output)
        logLine(
            connect: false, time: session.start + 2 * third, client: connection.client + "-2",
            principal: connection.principal, address: clone, port: port, reason: "CLIENT_INITIATED_DISCONNECT",
            random: &random, into: &output)
        output.tally.clientIds += 1
        output.tally.shared += 1
    }

    /// A refused connection: logged, opens no session.
    func logRefusedConnect(
        _ connection: (client: String, principal: String, address: String), random: inout SeededRandom,
        into output: inout ChunkOutput
    ) {
        var line: [UInt8] = []
        line.add("{\"timestamp\":\"")
        let time = logDayStart + random.below(86_400_000)
        Text.logTimestamp(milliseconds: time, into: &line)
        line.add("\",\"logLevel\":\"ERROR\",\"traceId\":\"")
        Text.uuid(&random, into: &line)
        line.add(
            "\",\"accountId\":\"\(account)\",\"status\":\"Failure\",\"eventType\":\"Connect\",\"protocol\":\"MQTT\","
                + "\"clientId\":\"\(connection.client)\",\"principalId\":\"\(connection.principal)\","
                + "\"sourceIp\":\"\(connection.address)\",\"sourcePort\":\(1024 + random.below(60_000)),"
                + "\"reason\":\"AUTHORIZATION_FAILURE\",\"details\":\"Authorization Failure\"}\n")
        output.logs[Int((time - logDayStart) / 3_600_000)] += line
        output.tally.logLines += 1
    }

    func logLine(
        connect: Bool, time: Int64, client: String, principal: String, address: String, port: Int, reason: String?,
        random: inout SeededRandom, into output: inout ChunkOutput
    ) {
        var line: [UInt8] = []
        line.reserveCapacity(360)
        line.add("{\"timestamp\":\"")
        Text.logTimestamp(milliseconds: time, into: &line)
        line.add("\",\"logLevel\":\"INFO\",\"traceId\":\"")
        Text.uuid(&random, into: &line)
        line.add("\",\"accountId\":\"")
        line.add(account)
        line.add(
            connect
                ? "\",\"status\":\"Success\",\"eventType\":\"Connect\""
                : "\",\"status\":\"Success\",\"eventType\":\"Disconnect\"")
        line.add(",\"protocol\":\"MQTT\",\"clientId\":\"")
        line.add(client)
        line.add("\",\"principalId\":\"")
        line.add(principal)
        line.add("\",\"sourceIp\":\"")
        line.add(address)
        line.add("\",\"sourcePort\":")
        Text.digits(port, into: &line)
        if let reason {
            line.add(",\"disconnectReason\":\"")
            line.add(reason)
            line.add("\"")
        }
        line.add("}\n")
        let hour = min(23, max(0, Int((time - logDayStart) / 3_600_000)))
        output.logs[hour] += line
        output.tally.logLines += 1
    }

    /// One policy's versions (get-policy-version outputs) and its targets.
    func renderPolicy(_ policy: Int, targets: [String], into output: inout ChunkOutput) {
        var random = SeededRandom(seed: seed, stream: Stream.policy, index: UInt64(policy))
        let name = Self.policyName(policy)
        let roll = random.below(100)
        let versions = roll < 50 ? 1 : roll < 70 ? 2 : roll < 85 ? 3 : roll < 95 ? 4 : 5
        let defaultTemplate = PolicyTemplate.draw(&random)
        // Created in the three years before the export, a version every few weeks.
        var created = auditMilliseconds - 3 * 365 * 86_400_000 + random.below(2 * 365 * 86_400_000)
        for version in 1...versions {
            let isDefault = version == versions
            let template =
                isDefault ? defaultTemplate : PolicyTemplate.allCases[random.below(PolicyTemplate.allCases.count)]
            var element: [UInt8] = []
            element.add(
                ",\n        {\n            \"policyArn\": \"\(arnPrefix):policy/\(name)\",\n            \"policyName\": \"\(name)\",\n            \"policyDocument\": \""
            )
            Text.jsonStringBody(policyDocuments[template.rawValue], into: &element)
            element.add("\",\n            \"policyVersionId\": \"\(version)\",\n            \"isDefaultVersion\": ")
            element.add(isDefault ? "true" : "false")
            element.add(",\n            \"creationDate\": ")
            Text.digits(created / 1000, into: &element)
            element.add(".")
            Text.digits(created % 1000, width: 3, into: &element)
            element.add(",\n            \"lastModifiedDate\": ")
            Text.digits(created / 1000, into: &element)
            element.add(".")
            Text.digits(created % 1000, width: 3, into: &element)
            element.add(",\n            \"generationId\": \"")
            Text.hex(random.bytes(32), into: &element)
            element.add("\"\n        }")
            output.policies += element
            created += 86_400_000 * (7 + random.below(40))
        }
        output.tally.policies += 1
        output.tally.policyVersions += versions
        if defaultTemplate.isOverlyPermissive { output.tally.overlyPermissive += 1 }
        if defaultTemplate.isMisconfigured { output.tally.misconfigured += 1 }
        var element: [UInt8] = []
        element.add(",\n        {\n            \"policyName\": \"\(name)\",\n            \"targets\": [")
        for (position, target) in targets.enumerated() {
            element.add(position == 0 ? "\n                \"" : ",\n                \"")
            element.add(target)
            element.add("\"")
        }
        element.add(targets.isEmpty ? "]\n        }" : "\n            ]\n        }")
        output.targets += element
    }
}

/// What a device's certificate is to be, drawn from the device's stream in this order: status,
/// issuer, key, validity and registration, serial.
struct DeviceCertificate {
    static let day: Int64 = 86_400_000

    var status: String
    var issuerIndex: Int
    var kind: FleetPlan.KeyKind
    var keyInfo: [UInt8]
    var notBefore: Int64
    var notAfter: Int64
    var created: Int64
    var serial: [UInt8]

    var inScope: Bool { status == "ACTIVE" || status == "PENDING_TRANSFER" }

    init(_ index: Int, plan: FleetPlan, random: inout SeededRandom) {
        var roll = random.below(1_000_000)
        if roll < Share.revoked {
            status = "REVOKED"
        } else if roll < Share.revoked + Share.inactive {
            status = "INACTIVE"
        } else if roll < Share.revoked + Share.inactive + Share.pendingTransfer {
            status = "PENDING_TRANSFER"
        } else {
            status = "ACTIVE"
        }

        roll = random.below(1_000_000)
        issuerIndex = AuthoritySet.issuing1
        for (authority, share) in AuthoritySet.deviceIssuers {
            if roll < share {
                issuerIndex = authority
                break
            }
            roll -= share
        }

        roll = random.below(1_000_000)
        kind =
            roll < Share.rocaKey
            ? .roca2048
            : roll < Share.rocaKey + Share.rsa1024Key
                ? .rsa1024 : roll < Share.rocaKey + Share.rsa1024Key + Share.p256Key ? .p256 : .rsa2048
        let pool = plan.keys[kind.rawValue].infos
        keyInfo = pool[random.below(pool.count)]

        let day = Self.day
        let audit = plan.auditMilliseconds
        roll = random.below(1_000_000)
        if roll < Share.expired {
            notAfter = (audit - day - random.below(400 * day)) / 1000 * 1000
            notBefore = notAfter - 365 * day
            created = notBefore + 60_000 + random.below(3_600_000)
        } else if roll < Share.expired + Share.expiring {
            notAfter = (audit + 3_600_000 + random.below(29 * day)) / 1000 * 1000
            notBefore = notAfter - 2 * 365 * day
            created = notBefore + 60_000 + random.below(3_600_000)
        } else {
            created = audit - day - random.below(3 * 365 * day)
            notBefore = (created - random.below(3_600_000)) / 1000 * 1000
            notAfter = notBefore + 10 * 365 * day
        }

        // The device index makes the serial unique; the random rest makes it look issued.
        serial = random.bytes(16)
        serial[0] = serial[0] & 0x3F | 0x40
        serial[1] = UInt8(truncatingIfNeeded: index >> 24)
        serial[2] = UInt8(truncatingIfNeeded: index >> 16)
        serial[3] = UInt8(truncatingIfNeeded: index >> 8)
        serial[4] = UInt8(truncatingIfNeeded: index)
    }
}

extension Tally {
    /// One more device certificate, and the violations it plants when it is in scope.
    mutating func count(_ certificate: DeviceCertificate, listed: Bool, auditMilliseconds audit: Int64) {
        let day = DeviceCertificate.day
        certificates += 1
        guard certificate.inScope else { return }
        inScope += 1
        if certificate.notAfter <= audit + 30 * day { expiring += 1 }
        if certificate.created <= audit - 365 * day { aged += 1 }
        if certificate.kind == .roca2048 { roca += 1 }
        if listed { revokedInScope += 1 }
        if certificate.issuerIndex == AuthoritySet.field { fieldInScope += 1 }
    }
}

/// An active device's day of sessions, and which violation it plants, drawn from its log stream.
struct DeviceSessions {
    struct Session {
        var start: Int64
        var end: Int64
        var port: Int
    }

    var sessions: [Session] = []
    /// The last session has no Disconnect.
    var stillConnected: Bool
    /// A clone shares the device's certificate (DEVICE_CERTIFICATE_SHARED_CHECK).
    var sharedPlant: Bool
    /// Another address takes the client ID with the device's certificate.
    var addressPlant: Bool
    /// Another principal takes the client ID.
    var principalPlant: Bool
    /// The first session is dropped by a takeover (CONFLICTING_CLIENT_IDS_CHECK).
    var displaced: Bool { addressPlant || principalPlant }

    init(_ index: Int, logDayStart: Int64, random: inout SeededRandom) {
        let roll = random.below(10)
        let count = roll == 0 ? 2 : roll == 1 ? 4 : 3
        let slot: Int64 = 86_400_000 / Int64(count)
        for position in 0..<count {
            let slotStart = logDayStart + Int64(position) * slot
            let start = slotStart + random.below(slot / 2)
            let end = start + 60_000 + random.below(slot / 2 - 60_000)
            sessions.append(Session(start: start, end: end, port: 1024 + random.below(60_000)))
        }
        stillConnected = random.chance(perMillion: Share.stillConnected)
        var plant = random.below(1_000_000)
        sharedPlant = plant < Share.sharedCertificate
        plant -= Share.sharedCertificate
        addressPlant = !sharedPlant && plant >= 0 && plant < Share.duplicateFromAnotherAddress
        plant -= Share.duplicateFromAnotherAddress
        principalPlant = !sharedPlant && !addressPlant && plant >= 0 && plant < Share.duplicateFromAnotherPrincipal
    }
}
