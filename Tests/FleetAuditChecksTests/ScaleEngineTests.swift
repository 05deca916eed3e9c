import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The scale engine: spilled and in-memory partitions, and any worker count,
/// give the same bytes; the finding writer matches the JSON writer.
@Suite struct ScaleEngineTests {
    /// A fleet's connection logs: `clients` devices with their own certificate,
    /// two sessions each; every 50th certificate is also used by a second
    /// client at the same time (shared), and every 70th client ID connects from
    /// two certificates at once (conflicting).
    static func connectionFleet(clients: Int) -> (files: [String: String], shared: Int, conflicting: Int) {
        func certificateId(_ number: Int) -> String {
            let hex = String(number, radix: 16)
            return String(repeating: "0", count: 64 - hex.count) + hex
        }
        func line(_ type: String, _ seconds: Int, client: String, principal: String, ip: String) -> String {
            let time = AuditTime(millisecondsSinceEpoch: 1_795_608_000_000 + Int64(seconds) * 1000)
            return JSONWriter.compact([
                "timestamp": .string(time.iso8601), "eventType": .string(type), "status": "Success",
                "clientId": .string(client), "principalId": .string(principal), "sourceIp": .string(ip),
                "sourcePort": 40000, "disconnectReason": type == "Disconnect" ? "CLIENT_INITIATED_DISCONNECT" : .null,
            ])
        }
        var lines: [String] = []
        var certificates: [String] = []
        var shared = 0
        var conflicting = 0
        for device in 0..<clients {
            let certificate = certificateId(device + 1)
            let client = "device-\(device)"
            certificates.append(
                #"{"certificateId": "\#(certificate)", "status": "\#(device % 9 == 8 ? "INACTIVE" : "ACTIVE")"}"#)
            for session in 0..<2 {
                let start = device * 7 + session * 4000
                lines.append(line("Connect", start, client: client, principal: certificate, ip: "198.51.100.1"))
                lines.append(
                    line("Disconnect", start + 600, client: client, principal: certificate, ip: "198.51.100.1"))
            }
            if device % 50 == 0 {
                let start = device * 7 + 100
                lines.append(line("Connect", start, client: "clone-\(device)", principal: certificate, ip: "192.0.2.9"))
                lines.append(
                    line("Disconnect", start + 60, client: "clone-\(device)", principal: certificate, ip: "192.0.2.9"))
                if device % 9 != 8 { shared += 1 }
            }
            if device % 70 == 0 {
                let other = certificateId(clients + device + 1)
                lines.append(line("Connect", device * 7 + 200, client: client, principal: other, ip: "192.0.2.77"))
                conflicting += 1
            }
        }
        let certificatesJSON = #"{"certificateDescriptions": ["# + certificates.joined(separator: ",\n") + "]}"
        return (
            ["iot-logs/day.jsonl": lines.joined(separator: "\n") + "\n", "certificates.json": certificatesJSON],
            shared, conflicting
        )
    }

    static let logChecks: [any AuditCheck.Type] = [DeviceCertificateSharedCheck.self, ConflictingClientIdsCheck.self]

    static func audit(
        _ snapshot: TemporarySnapshot, checks: [any AuditCheck.Type], workers: Int, spillBufferLimit: Int? = nil,
        memoryBudget: Int = AuditRunResources.defaultMemoryBudget
    ) throws -> (outcome: AuditOutcome, findings: [UInt8], task: [UInt8]) {
        let opened = try snapshot.open()
        let output = TemporaryDirectory(prefix: "fleet-audit-scale")
        var plan = AuditPlan(
            checks: checks, taskId: "0123456789abcdef0123456789abcdef", auditTime: opened.manifest.exportedAt,
            workers: workers, memoryBudget: memoryBudget)
        plan.spillBufferLimit = spillBufferLimit
        let outcome = try AuditExecutor.run(snapshot: opened, plan: plan, outputDirectory: output.path)
        let leftovers = (FileSystem.entries(of: output.path) ?? []).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "spill and spool files are removed: \(leftovers)")
        return (outcome, output.read("findings.json"), output.read("audit-task.json"))
    }

    @Test func spilledPartitionsGiveTheSameBytesAsInMemoryOnes() throws {
        let fleet = Self.connectionFleet(clients: 1500)
        let snapshot = TemporarySnapshot(fleet.files)
        let inMemory = try Self.audit(snapshot, checks: Self.logChecks, workers: 2)
        let spilled = try Self.audit(snapshot, checks: Self.logChecks, workers: 2, spillBufferLimit: 4096)
        let spilledOneWorker = try Self.audit(snapshot, checks: Self.logChecks, workers: 1, spillBufferLimit: 4096)
        #expect(inMemory.outcome.spilledBytes == 0)
        #expect(spilled.outcome.spilledBytes > 100_000)
        #expect(spilled.findings == inMemory.findings)
        #expect(spilled.task == inMemory.task)
        #expect(spilledOneWorker.findings == inMemory.findings)
        let counts = Dictionary(
            uniqueKeysWithValues: inMemory.outcome.checks.map { ($0.name, $0.details.nonCompliantResourcesCount) })
        #expect(counts["DEVICE_CERTIFICATE_SHARED_CHECK"] == Int64(fleet.shared))
        #expect(counts["CONFLICTING_CLIENT_IDS_CHECK"] == Int64(fleet.conflicting))
        #expect(fleet.shared == 27 && fleet.conflicting == 22)
    }

    /// Output order is bucket order, then hash order inside a bucket: the same
    /// sequence whatever the bucket count (which follows the input size and the budget).
    @Test func bucketOrderIsHashOrderWhateverTheBucketCount() {
        let resources = AuditRunResources(workers: 2, memoryBudget: 16 << 20, scratchDirectory: "/nonexistent")
        let few = SpillBuckets(name: "few", expectedBytes: 1, resources: resources)
        let many = SpillBuckets(name: "many", expectedBytes: 1 << 40, resources: resources)
        #expect(few.count == 256 && many.count == 65536)
        let keys = (0..<3000).map { "client-\($0)" }
        for key in keys {
            let hash = stableHash(key.utf8)
            few.append(Array(key.utf8), hash: hash)
            many.append(Array(key.utf8), hash: hash)
        }
        func ordered(_ buckets: SpillBuckets) -> [String] {
            (0..<buckets.count).flatMap { bucket in
                (buckets.records(bucket) ?? []).map { String(decoding: $0, as: UTF8.self) }
                    .sorted { stableHash($0.utf8) < stableHash($1.utf8) }
            }
        }
        let sequence = ordered(few)
        #expect(sequence.count == keys.count)
        #expect(ordered(many) == sequence)
        #expect(sequence == keys.sorted { stableHash($0.utf8) < stableHash($1.utf8) })
    }

    @Test func anUnwritableSpillDirectoryStopsTheRunAndWritesNothing() throws {
        let snapshot = TemporarySnapshot(Self.connectionFleet(clients: 50).files)
        let blocker = TemporaryDirectory(prefix: "fleet-audit-blocker")
        blocker.write("file", "not a directory")
        let output = TemporaryDirectory(prefix: "fleet-audit-out")
        var plan = AuditPlan(
            checks: Self.logChecks, taskId: "t", auditTime: try snapshot.open().manifest.exportedAt, workers: 2)
        plan.spillDirectory = blocker.file("file")
        #expect(
            throws: SnapshotProblem(
                file: blocker.file("file"),
                reason: "cannot create the spill directory: cannot create: Not a directory")
        ) {
            _ = try AuditExecutor.run(snapshot: try snapshot.open(), plan: plan, outputDirectory: output.path)
        }
        #expect(FileSystem.entries(of: output.path) == [])
    }

    @Test func aSpillWriteFailureAbortsTheRun() throws {
        let resources = AuditRunResources(
            workers: 1, memoryBudget: 16 << 20, scratchDirectory: "/nonexistent-fleet-audit/spill",
            spillBufferLimit: 10)
        let buckets = SpillBuckets(name: "test", expectedBytes: 100, resources: resources)
        buckets.append(Array(repeating: 7, count: 64), hash: 1)
        #expect(resources.abortProblem?.reason == "cannot write spill file: No such file or directory")
        #expect(resources.abortProblem?.file.hasPrefix("/nonexistent-fleet-audit/spill/") == true)
    }

    @Test func findingTextEqualsTheJSONWriter() {
        let identifiers: [ResourceIdentifier] = [
            .deviceCertificateId("ab"), .caCertificateId("cd"), .cognitoIdentityPoolId("us-east-1:x"),
            .clientId("c\u{1}\"\\"), .policyVersion(policyName: "p", policyVersionId: "3"), .account("123"),
            .iamRoleArn("arn:r"), .roleAliasArn("arn:a"), .deviceCertificateArn("arn:c"),
            .issuerCertificate(subject: "CN=é", issuerId: "id", serialNumber: "01"),
        ]
        for (position, identifier) in identifiers.enumerated() {
            let related = (0..<position % 3).map {
                AuditResource(.clientId, .clientId("r\($0)"), additionalInfo: [("CONNECTION_TIME", "\($0)")])
            }
            let finding = AuditFinding(
                findingId: "f", taskId: "t", checkName: "C", taskStartTime: AuditTime(millisecondsSinceEpoch: 0),
                findingTime: AuditTime(millisecondsSinceEpoch: 1), severity: .high,
                nonCompliantResource: AuditResource(
                    .deviceCertificate, identifier, additionalInfo: position % 2 == 0 ? [] : [("K", "v\n")]),
                relatedResources: related, reasonForNonCompliance: "why\t\r\u{8}\u{c}\u{1f}\u{7f}😀",
                reasonForNonComplianceCode: "CODE",
                isSuppressed: position % 4 == 0)
            #expect(FindingText.pretty(finding, level: 2) == JSONWriter.pretty(finding.json, level: 2))
        }
    }

    /// A record appended with its order in front is the record `SpillRecordWriter` would have joined.
    @Test func prefixedRecordsEqualJoinedOnes() throws {
        let resources = AuditRunResources(workers: 1, memoryBudget: 16 << 20, scratchDirectory: "/nonexistent")
        let prefixed = SpillBuckets(name: "prefixed", expectedBytes: 1, resources: resources)
        let joined = SpillBuckets(name: "joined", expectedBytes: 1, resources: resources)
        let orders: [Int64] = [0, 1, -1, 63, 64, -65, 300, 1 << 40, .max, .min]
        for (position, order) in orders.enumerated() {
            let body = [UInt8](repeating: UInt8(position), count: position * 40)
            prefixed.append(body, prefixedBy: order, hash: 7)
            var writer = SpillRecordWriter()
            writer.write(order)
            joined.append(writer.bytes + body, hash: 7)
        }
        let bucket = prefixed.bucket(ofHash: 7)
        let records = try #require(prefixed.records(bucket))
        #expect(records == joined.records(bucket))
        #expect(records.count == orders.count)
        #expect(records.map { SpillRecordReader($0).readIntForTest() } == orders)
    }

    /// A batch appended under one lock leaves every bucket as appending its records one by one does.
    @Test func batchedRecordsEqualOneByOne() throws {
        let resources = AuditRunResources(workers: 1, memoryBudget: 16 << 20, scratchDirectory: "/nonexistent")
        let batched = SpillBuckets(name: "batched", expectedBytes: 1, resources: resources)
        let single = SpillBuckets(name: "single", expectedBytes: 1, resources: resources)
        let records: [(record: [UInt8], hash: UInt64)] = (0..<300).map { position in
            (
                [UInt8](repeating: UInt8(position % 256), count: position % 50),
                stableHash(Array("client-\(position)".utf8))
            )
        }
        batched.append(contentsOf: records)
        for (record, hash) in records { single.append(record, hash: hash) }
        for bucket in 0..<batched.count {
            #expect(batched.records(bucket) == single.records(bucket), "bucket \(bucket)")
        }
        #expect((0..<batched.count).map { batched.records($0)?.count ?? 0 }.reduce(0, +) == records.count)
    }

    /// Partition order is output order: the hash must not change between runs or releases.
    @Test func stableHashIsPinned() {
        #expect(stableHash("device-1".utf8) == 0xa315_4bf3_3f61_de4e)
        // The contiguous fast path and the generic loop agree.
        #expect(stableHash(AnySequence("device-1".utf8)) == 0xa315_4bf3_3f61_de4e)
        #expect(stableHash(Array("device-1".utf8)) == 0xa315_4bf3_3f61_de4e)
        #expect(stableHash("a".utf8) != stableHash("b".utf8))
    }
}

extension SpillRecordReader {
    fileprivate func readIntForTest() -> Int64 {
        var reader = self
        return reader.readInt()
    }
}
