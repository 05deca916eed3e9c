import ArgumentParser
import FleetAuditCore
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditPolicy

/// The options of `fleet-audit test-authorization` (the flags of `aws iot test-authorization`).
public struct TestAuthorizationOptions: CommandOptions, Sendable {
    @Argument(help: "The snapshot directory.")
    public var snapshot: String

    @Option(name: .customLong("auth-infos"), help: "AuthInfo list JSON, inline or file://path.")
    public var authInfos: String

    @Option(name: .long, help: "Certificate ARN or ID, or Cognito identity ID.")
    public var principal: String?

    @Option(name: .customLong("cognito-identity-pool-id"), help: "The Cognito identity pool ID.")
    public var cognitoIdentityPoolId: String?

    @Option(name: .customLong("client-id"), help: "The MQTT client ID.")
    public var clientId: String?

    @Option(name: .customLong("policy-names-to-add"), parsing: .upToNextOption, help: "Policies treated as attached.")
    public var policyNamesToAdd: [String] = []

    @Option(
        name: .customLong("policy-names-to-skip"), parsing: .upToNextOption, help: "Policies treated as not attached.")
    public var policyNamesToSkip: [String] = []

    @OptionGroup public var outputOption: OutputOption

    public init() {}

    public init(
        snapshotPath: String, authInfos: String, principal: String? = nil, cognitoIdentityPoolId: String? = nil,
        clientId: String? = nil, policyNamesToAdd: [String] = [], policyNamesToSkip: [String] = []
    ) {
        // Every property is set, on a copy (see AuditOptions.init(snapshotPath:outputPath:...)).
        var options = Self()
        options.snapshot = snapshotPath
        options.authInfos = authInfos
        options.principal = principal
        options.cognitoIdentityPoolId = cognitoIdentityPoolId
        options.clientId = clientId
        options.policyNamesToAdd = policyNamesToAdd
        options.policyNamesToSkip = policyNamesToSkip
        var output = OutputOption()
        output.output = nil
        options.outputOption = output
        self = options
    }

    public func validated() throws(UsageError) -> [AuthInfo] {
        try TestAuthorizationRunner.parseAuthInfos(authInfos)
    }
}

/// One `AuthInfo` of the request.
public struct AuthInfo: Sendable, Hashable {
    public static let actionTypes = [
        "PUBLISH": "iot:Publish", "SUBSCRIBE": "iot:Subscribe", "RECEIVE": "iot:Receive", "CONNECT": "iot:Connect",
    ]

    public var actionType: String
    public var resources: [String]

    public var json: JSONValue {
        ["actionType": .string(actionType), "resources": .array(resources.map { .string($0) })]
    }
}

/// `fleet-audit test-authorization`: `aws iot test-authorization` without an
/// account. Prints the `TestAuthorizationResponse` shape, each result with one
/// extra member, `decidingStatement` (policy, version and statement that decided).
public enum TestAuthorizationRunner {
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        public var isUsage: Bool
    }

    public static func parseAuthInfos(_ text: String) throws(UsageError) -> [AuthInfo] {
        let json = try CLIJSONArgument.parse(text, option: "--auth-infos")
        guard let list = json.arrayValue, (1...10).contains(list.count) else {
            throw UsageError("--auth-infos must be a JSON array of 1 to 10 objects")
        }
        var infos: [AuthInfo] = []
        for (index, element) in list.enumerated() {
            guard let object = element.objectValue else { throw UsageError("--auth-infos[\(index)] must be an object") }
            for key in object.keys where key != "actionType" && key != "resources" {
                throw UsageError("--auth-infos[\(index)]: unknown member '\(key)' (valid: actionType, resources)")
            }
            guard let type = object["actionType"]?.stringValue, AuthInfo.actionTypes[type] != nil else {
                throw UsageError(
                    "--auth-infos[\(index)].actionType must be one of CONNECT, PUBLISH, RECEIVE, SUBSCRIBE")
            }
            guard let resources = object["resources"]?.arrayValue, !resources.isEmpty,
                resources.allSatisfy({ $0.stringValue != nil })
            else { throw UsageError("--auth-infos[\(index)].resources must be a non-empty array of ARNs") }
            infos.append(AuthInfo(actionType: type, resources: resources.compactMap(\.stringValue)))
        }
        return infos
    }

    /// The response, and warnings for stderr (an unknown principal).
    public struct Evaluation: Sendable {
        public var json: JSONValue
        public var warnings: [String]

        /// `--output text`: one line per result, `DECISION ACTION RESOURCES: deciding statement`.
        public var text: String {
            var lines: [String] = []
            for result in json["authResults"]?.arrayValue ?? [] {
                let shown = { (text: String) in TerminalText.escape(text, limit: 512) }
                let info = result["authInfo"]
                let resources = (info?["resources"]?.arrayValue ?? []).compactMap(\.stringValue).map(shown)
                var line =
                    "\(shown(result["authDecision"]?.stringValue ?? "?")) \(shown(info?["actionType"]?.stringValue ?? "?")) "
                    + resources.joined(separator: " ")
                if let deciding = result["decidingStatement"] {
                    let statement = deciding["statementIndex"].map(JSONWriter.compact) ?? "?"
                    line +=
                        ": policy \(shown(deciding["policyName"]?.stringValue ?? "?")) version "
                        + "\(shown(deciding["policyVersionId"]?.stringValue ?? "?")) statement \(statement) "
                        + "(\(shown(deciding["effect"]?.stringValue ?? "?")))"
                } else {
                    line += ": no statement allows it"
                }
                let missing = (result["missingContextValues"]?.arrayValue ?? []).compactMap(\.stringValue)
                if !missing.isEmpty {
                    line += "; missing context values: " + missing.map(shown).joined(separator: ", ")
                }
                lines.append(line)
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// The response JSON, or an error line (exit 2).
    public static func run(_ options: TestAuthorizationOptions) throws(UsageError) -> Result<JSONValue, Failure> {
        try evaluate(options).map(\.json)
    }

    /// The response and its warnings, or an error line (exit 2).
    public static func evaluate(_ options: TestAuthorizationOptions) throws(UsageError) -> Result<Evaluation, Failure> {
        let infos = try options.validated()
        let snapshot: Snapshot
        do {
            snapshot = try Snapshot.open(options.snapshot)
        } catch {
            return .failure(Failure(description: error.terminalLine, isUsage: false))
        }
        let manifest = snapshot.manifest
        let principal: String?
        if let given = options.principal {
            if given.hasPrefix("arn:") {
                principal = given
            } else if given.count == 64, given.allSatisfy(\.isHexDigit) {
                principal = "arn:aws:iot:\(manifest.region):\(manifest.accountId):cert/\(given)"
            } else if given.contains(":") {
                principal = given  // a Cognito identity ID, region:uuid
            } else {
                throw UsageError("--principal must be a certificate ARN or ID, or a Cognito identity ID (region:id)")
            }
        } else {
            principal = nil
        }
        do throws(SnapshotProblem) {
            if let pool = options.cognitoIdentityPoolId {
                // The pool must be one the snapshot knows (the API answers ResourceNotFoundException).
                let pools = try snapshot.readObject(.cognitoIdentityPools)
                let known = (pools["identityPoolRoles"]?.arrayValue ?? []).compactMap {
                    $0["IdentityPoolId"]?.stringValue
                }
                guard known.contains(pool) else {
                    throw SnapshotProblem(
                        file: SnapshotFile.cognitoIdentityPools.jsonName, reason: "no identity pool \(pool)")
                }
            }
            let things =
                try principal.map { principal throws(SnapshotProblem) in
                    try thingsAttached(to: principal, snapshot)
                } ?? []
            var names =
                try principal.map { principal throws(SnapshotProblem) in
                    try attachedPolicyNames(principal: principal, things: things, snapshot)
                } ?? []
            var warnings: [String] = []
            if let principal, names.isEmpty, things.isEmpty, try !isRegisteredCertificate(principal, snapshot) {
                warnings.append(
                    CommandMessage.line(
                        command: "test-authorization",
                        "warning: principal \(principal) is not in the snapshot (no certificate in certificates.json, "
                            + "no thing in thing-principals.json, no policy in policy-targets.json names it); only "
                            + "--policy-names-to-add policies apply"))
            }
            for name in options.policyNamesToAdd where !names.contains(name) { names.append(name) }
            names.removeAll { options.policyNamesToSkip.contains($0) }
            let policies = try defaultVersions(of: names, snapshot)
            var context = AuthorizationContext(clientId: options.clientId)
            if let client = options.clientId, things.contains(client) {
                context.attachedThing = client
                if let thing = try thing(named: client, snapshot) {
                    context.thingTypeName = thing["thingTypeName"]?.stringValue
                    for (key, value) in thing["attributes"]?.objectValue?.members ?? [] {
                        context.thingAttributes[key] = value.stringValue ?? JSONWriter.compact(value)
                    }
                }
            }
            let results = infos.map { info -> JSONValue in
                let result = Authorizer.authorize(
                    action: AuthInfo.actionTypes[info.actionType] ?? info.actionType, resources: info.resources,
                    policies: policies, context: context)
                return json(info, result)
            }
            return .success(Evaluation(json: ["authResults": .array(results)], warnings: warnings))
        } catch {
            return .failure(Failure(description: error.terminalLine, isUsage: false))
        }
    }

    /// Whether `principal` is a certificate ARN whose id is in `certificates.json`
    /// (streamed until found; false when the file is absent).
    static func isRegisteredCertificate(_ principal: String, _ snapshot: Snapshot) throws(SnapshotProblem) -> Bool {
        guard let slash = principal.lastIndex(of: "/"), principal[..<slash].hasSuffix(":cert"),
            let located = try snapshot.locateIfPresent(.certificates)
        else { return false }
        let id = String(principal[principal.index(after: slash)...])
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            while let event = try stream.next() {
                guard case .element(let raw) = event, case .success(let certificate) = raw.parse() else { continue }
                if certificate["certificateId"]?.stringValue == id { return true }
            }
        } catch {
            throw SnapshotProblem(file: located.name, caught: error)
        }
        return false
    }

    static func json(_ info: AuthInfo, _ result: AuthorizationResult) -> JSONValue {
        func policies(_ list: [AttachedPolicy]) -> JSONValue {
            ["policies": .array(list.map { ["policyName": .string($0.name), "policyArn": .string($0.arn)] })]
        }
        var object = JSONObject([
            ("authInfo", info.json),
            ("allowed", policies(result.allowedBy)),
            (
                "denied",
                [
                    "implicitDeny": policies(result.implicitlyDeniedBy),
                    "explicitDeny": policies(result.explicitlyDeniedBy),
                ]
            ),
            ("authDecision", .string(result.decision.rawValue)),
            ("missingContextValues", .array(result.missingContextValues.map { .string($0) })),
        ])
        if let deciding = result.decidingStatement {
            object["decidingStatement"] = [
                "policyName": .string(deciding.policyName), "policyVersionId": .string(deciding.policyVersionId),
                "statementIndex": .integer(Int64(deciding.statementIndex)), "effect": .string(deciding.effect.rawValue),
            ]
        }
        return .object(object)
    }

    /// Things attached to the principal (`thing-principals.json`); none when the file is absent.
    static func thingsAttached(to principal: String, _ snapshot: Snapshot) throws(SnapshotProblem) -> [String] {
        guard try snapshot.locateIfPresent(.thingPrincipals) != nil else { return [] }
        let object = try snapshot.readObject(.thingPrincipals)
        return (object["principalThings"]?.arrayValue ?? []).filter { $0["principal"]?.stringValue == principal }
            .flatMap { $0["things"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    }

    /// Policies attached to the principal, or to a thing group one of its things belongs to.
    static func attachedPolicyNames(principal: String, things: [String], _ snapshot: Snapshot)
        throws(SnapshotProblem) -> [String]
    {
        let manifest = snapshot.manifest
        var targets: Set<String> = [principal]
        if !things.isEmpty, try snapshot.locateIfPresent(.thingGroupMembers) != nil {
            let members = try snapshot.readObject(.thingGroupMembers)
            for group in members["thingGroupMembers"]?.arrayValue ?? [] {
                guard let name = group["thingGroupName"]?.stringValue,
                    let groupThings = group["things"]?.arrayValue?.compactMap(\.stringValue),
                    groupThings.contains(where: things.contains)
                else { continue }
                targets.insert("arn:aws:iot:\(manifest.region):\(manifest.accountId):thinggroup/\(name)")
            }
        }
        let object = try snapshot.readObject(.policyTargets)
        return (object["policyTargets"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["policyName"]?.stringValue,
                entry["targets"]?.arrayValue?.contains(where: { $0.stringValue.map(targets.contains) ?? false }) == true
            else { return nil }
            return name
        }
    }

    /// The default version of each named policy, in the order named.
    static func defaultVersions(of names: [String], _ snapshot: Snapshot) throws(SnapshotProblem) -> [AttachedPolicy] {
        guard !names.isEmpty else { return [] }
        let located = try snapshot.locate(.policies).get()
        var found: [String: AttachedPolicy] = [:]
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            while let event = try stream.next() {
                guard case .element(let raw) = event, case .success(let element) = raw.parse(),
                    let name = element["policyName"]?.stringValue, names.contains(name),
                    element["isDefaultVersion"]?.boolValue == true, let text = element["policyDocument"]?.stringValue
                else { continue }
                let version = element["policyVersionId"]?.stringValue ?? "?"
                let document: PolicyDocument
                do {
                    document = try PolicyDocument(text: text)
                } catch {
                    throw SnapshotProblem(
                        file: located.name, elementIndex: raw.index, byteOffset: raw.byteOffset,
                        reason: "policy \(name) version \(version): \(error.reason)")
                }
                found[name] = AttachedPolicy(
                    name: name, arn: element["policyArn"]?.stringValue ?? "", versionId: version, document: document)
            }
        } catch {
            throw SnapshotProblem(file: located.name, caught: error)
        }
        return try names.map { name throws(SnapshotProblem) in
            guard let policy = found[name] else {
                throw SnapshotProblem(file: located.name, reason: "no default version of policy \(name)")
            }
            return policy
        }
    }

    static func thing(named name: String, _ snapshot: Snapshot) throws(SnapshotProblem) -> JSONValue? {
        guard let located = try snapshot.locateIfPresent(.things) else { return nil }
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            while let event = try stream.next() {
                guard case .element(let raw) = event, case .success(let thing) = raw.parse(),
                    thing["thingName"]?.stringValue == name
                else { continue }
                return thing
            }
        } catch {
            throw SnapshotProblem(file: located.name, error)
        }
        return nil
    }
}
