import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Foundation
import Testing

/// The conventions that let a newcomer go from a Defender check name to its code, rule and
/// examples, and that keep the registry, the examples and the declared inputs from drifting
/// away from the checks: one type per check named after it, in `<Type>.swift` with
/// `<Type>+Examples.swift` beside it, registered, reading exactly the inputs it declares.
@Suite struct CheckConventionTests {
    static let shapeProtocols: Set<String> = [
        "AuditCheck", "AccountSettingsCheck", "ResourceCheck", "ReducingCheck", "AggregatingCheck",
    ]

    /// The Swift type name of a Defender check: its words in CamelCase, `IoT` and `CA` as AWS writes them.
    static func typeName(of name: CheckName) -> String {
        name.rawValue.split(separator: "_").map { word in
            switch word {
            case "IOT": "IoT"
            case "CA": "CA"
            default: word.prefix(1) + word.dropFirst().lowercased()
            }
        }.joined()
    }

    @Test(arguments: CheckName.allCases)
    func typeIsNamedAfterItsDefenderCheck(_ name: CheckName) throws {
        let check = try #require(CheckRegistry.check(name))
        #expect(String(describing: check) == Self.typeName(of: name))
    }

    @Test func typeNamesFollowTheDefenderWords() {
        #expect(
            Self.typeName(of: .iotRoleAliasAllowsAccessToUnusedServices)
                == "IoTRoleAliasAllowsAccessToUnusedServicesCheck")
        #expect(Self.typeName(of: .revokedCACertificateStillActive) == "RevokedCACertificateStillActiveCheck")
        #expect(Self.typeName(of: .conflictingClientIds) == "ConflictingClientIdsCheck")
    }

    /// `<Type>.swift` declares the check, and every example is written in `<Type>+Examples.swift` beside it.
    @Test(arguments: CheckName.allCases)
    func checkFileHasItsExamplesBesideIt(_ name: CheckName) throws {
        let check = try #require(CheckRegistry.check(name))
        let type = String(describing: check)
        let sources = try SourceDeclarations.files(inModule: "FleetAuditChecks")
        let declaring = sources.filter { path, text in
            path.hasSuffix("/" + type + ".swift") && text.contains("struct \(type): ")
        }
        let checkFile = try #require(declaring.keys.first, "no \(type).swift declares \(type)")
        #expect(declaring.count == 1)
        let examplesFile = String(checkFile.dropLast(".swift".count)) + "+Examples.swift"
        #expect(sources[examplesFile] != nil, "\(examplesFile) is missing")
        for example in check.description.examples {
            #expect(
                example.filePath.hasSuffix("/" + type + "+Examples.swift"),
                "'\(example.name)' is written in \(example.filePath)", sourceLocation: example.sourceLocation)
            #expect(example.fileID.hasSuffix("/" + type + "+Examples.swift"), sourceLocation: example.sourceLocation)
        }
    }

    @Test func everyCheckTypeInTheSourcesIsRegistered() throws {
        let declared = try SourceDeclarations.types(conformingTo: Self.shapeProtocols, inModule: "FleetAuditChecks")
        let registered = Set(CheckRegistry.all.map { String(describing: $0) })
        #expect(declared.subtracting(registered).isEmpty, "check types not in CheckRegistry.all")
        #expect(registered.subtracting(declared).isEmpty, "registered checks the source scan did not find")
    }

    @Test func theSourceScanFindsCheckTypesOnly() throws {
        let source = """
            public struct FirstCheck: ResourceCheck {
                public init() {}
            }
            struct SecondCheck: Sendable, ReducingCheck where Facts == Void {}
            extension ThirdCheck: AccountSettingsCheck {}
            final class FourthCheck: @unchecked Sendable, AggregatingCheck {
            struct GenericCheck<Value>: AuditCheck {}
            struct Helper: Sendable {}
            enum ResourceCheckNames {}
            // struct CommentedCheck: ResourceCheck {}
            """
        #expect(
            try SourceDeclarations.types(conformingTo: Self.shapeProtocols, in: source) == [
                "FirstCheck", "SecondCheck", "ThirdCheck", "FourthCheck", "GenericCheck",
            ])
    }

    /// The files and folders a check consults while its examples run, through the real
    /// executor, are exactly those its description declares: the snapshot digest, the
    /// progress total and `fleet-audit checks` trust the declaration.
    @Test(arguments: CheckName.allCases)
    func declaredInputsAreTheInputsRead(_ name: CheckName) throws {
        let check = try #require(CheckRegistry.check(name))
        let description = check.description
        let log = SnapshotAccessLog()
        for example in description.examples {
            // A rejected example stops at the audit configuration, before any check runs.
            if case .rejected = example.expectation { continue }
            _ = try Self.audit(example.files, check: check, settings: example.settings, log: log)
        }
        var consulted = log.consultedFiles
        // Thresholds come from audit-configuration.json through AuditContext.configuration,
        // which the audit loads once before any check runs.
        if !description.configurationKeys.isEmpty { consulted.insert(.auditConfiguration) }
        let declared = Set(description.inputs)
        #expect(
            consulted == declared,
            """
            read but not declared: \(consulted.subtracting(declared).map(\.jsonName).sorted()); \
            declared but not read: \(declared.subtracting(consulted).map(\.jsonName).sorted())
            """)
        #expect(log.consultedDirectories == Set(description.inputDirectories))
    }

    /// The log holds what the checks consult, not what the digest hashes (every declared input).
    @Test func theAccessLogRecordsTheChecksReadsOnly() throws {
        let log = SnapshotAccessLog()
        let (outcome, _) = try Self.audit(
            [
                "policies.json": #"{"policyVersions": []}"#,
                "things.json": #"{"things": []}"#,
            ], check: DeclaresThingsReadsPoliciesCheck.self, log: log)
        #expect(outcome.checks.first?.details.checkRunStatus == .completedCompliant)
        #expect(outcome.snapshotDigest?.json != nil)
        #expect(log.consultedFiles == [.policies])
        #expect(log.consultedDirectories.isEmpty)
    }

    @Test func theAccessLogRecordsFoldersAndAbsentFiles() throws {
        let snapshot = TemporarySnapshot(["crls/root.crl": "not a CRL"])
        var opened = try snapshot.open()
        let log = SnapshotAccessLog()
        opened.accessLog = log
        _ = opened.files(in: .crls)
        _ = opened.isAbsent(.caChain)
        _ = opened.locate(.iam)
        _ = opened.isAbsent(.things)
        #expect(log.consultedFiles == [.iam, .things])
        #expect(log.consultedDirectories == [.crls, .caChain])
    }

    /// Audits `files` with `check` alone, recording what it consults in `log`.
    static func audit(
        _ files: [String: String], check: any AuditCheck.Type, settings: AuditSettings = AuditSettings(),
        log: SnapshotAccessLog
    ) throws -> (AuditOutcome, TemporaryDirectory) {
        let snapshot = TemporarySnapshot(files)
        let opened = try snapshot.open()
        let output = TemporaryDirectory(prefix: "fleet-audit-out")
        var plan = AuditPlan(
            checks: [check], taskId: "inputs", auditTime: opened.manifest.exportedAt, workers: 1,
            settings: settings.resolvingPaths(against: snapshot.path))
        plan.configuration = try AuditConfiguration.load(opened, checks: CheckRegistry.descriptions)
        plan.accessLog = log
        return (try AuditExecutor.run(snapshot: opened, plan: plan, outputDirectory: output.path), output)
    }
}

/// Declares `things.json` but reads only its resource file.
struct DeclaresThingsReadsPoliciesCheck: ResourceCheck {
    static let description = CheckDescription(
        check: .iotPolicyOverlyPermissive, severity: .low, resourceType: .iotPolicy, reasonCodes: [],
        inputs: [.policies, .things], summary: "A test check.", examples: [])
    static let resourceFile = SnapshotFile.policies

    func evaluate(_ resource: JSONValue, facts: Void, context: AuditContext) -> ResourceVerdict { .compliant }
}
