/// The IoT policy documents of a generated fleet: scoped policies as a fleet
/// should have them, and the over-broad and misconfigured kinds the two policy
/// checks must find, planted on default versions with known frequencies.
enum PolicyTemplate: Int, CaseIterable, Sendable {
    /// Connect as its own thing, publish and subscribe to its own shadow and telemetry topic.
    case scopedDevice
    /// Client-id scoped with the `IsAttached` condition, application topics.
    case scopedTelemetry
    /// `iot:*` on `*`: IOT_POLICY_OVERLY_PERMISSIVE_CHECK.
    case everything
    /// Connect as any client: IOT_POLICY_OVERLY_PERMISSIVE_CHECK.
    case anyClient
    /// A Deny with an MQTT wildcard (literal in policies): POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT.
    case wildcardDeny
    /// A topic-filter Deny undone by an allowed `fleet/#`: TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS.
    case intendedDeny
    /// `iot:*` on `*` and a wildcard Deny: both policy checks.
    case everythingWithWildcardDeny

    /// Default-version shares per million; the rest are `scopedDevice`.
    static let defaultShares: [(PolicyTemplate, Int)] = [
        (.everything, 15_000), (.anyClient, 20_000), (.wildcardDeny, 20_000), (.intendedDeny, 15_000),
        (.everythingWithWildcardDeny, 5_000), (.scopedTelemetry, 300_000),
    ]

    static func draw(_ random: inout SeededRandom) -> PolicyTemplate {
        var roll = random.below(1_000_000)
        for (template, share) in defaultShares {
            if roll < share { return template }
            roll -= share
        }
        return .scopedDevice
    }

    var isOverlyPermissive: Bool { self == .everything || self == .anyClient || self == .everythingWithWildcardDeny }

    var isMisconfigured: Bool {
        self == .wildcardDeny || self == .intendedDeny || self == .everythingWithWildcardDeny
    }

    func document(account: String, region: String) -> String {
        let arn = "arn:aws:iot:\(region):\(account)"
        let thing = "${iot:Connection.Thing.ThingName}"
        func statement(_ effect: String, _ actions: [String], _ resources: [String], condition: String? = nil)
            -> String
        {
            func list(_ values: [String]) -> String {
                values.count == 1 ? "\"\(values[0])\"" : "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]"
            }
            return "{\"Effect\":\"\(effect)\",\"Action\":\(list(actions)),\"Resource\":\(list(resources))"
                + (condition.map { ",\"Condition\":\($0)" } ?? "") + "}"
        }
        let ownConnect = statement("Allow", ["iot:Connect"], ["\(arn):client/\(thing)"])
        let ownTopics = statement(
            "Allow", ["iot:Publish", "iot:Receive"],
            ["\(arn):topic/$aws/things/\(thing)/shadow/*", "\(arn):topic/fleet/\(thing)/telemetry"])
        let ownFilters = statement("Allow", ["iot:Subscribe"], ["\(arn):topicfilter/$aws/things/\(thing)/shadow/*"])
        let statements: [String]
        switch self {
        case .scopedDevice:
            statements = [ownConnect, ownTopics, ownFilters]
        case .scopedTelemetry:
            statements = [
                statement(
                    "Allow", ["iot:Connect"], ["\(arn):client/${iot:ClientId}"],
                    condition: "{\"Bool\":{\"iot:Connection.Thing.IsAttached\":\"true\"}}"),
                statement("Allow", ["iot:Publish"], ["\(arn):topic/sensors/${iot:ClientId}/*"]),
                statement("Allow", ["iot:Subscribe"], ["\(arn):topicfilter/commands/${iot:ClientId}/*"]),
                statement("Allow", ["iot:Receive"], ["\(arn):topic/commands/${iot:ClientId}/*"]),
            ]
        case .everything:
            statements = [statement("Allow", ["iot:*"], ["*"])]
        case .anyClient:
            statements = [statement("Allow", ["iot:Connect"], ["\(arn):client/*"]), ownTopics, ownFilters]
        case .wildcardDeny:
            statements = [
                ownConnect, ownTopics, ownFilters, statement("Deny", ["iot:Publish"], ["\(arn):topic/fleet/+/admin"]),
            ]
        case .intendedDeny:
            statements = [
                ownConnect, statement("Allow", ["iot:Subscribe"], ["\(arn):topicfilter/fleet/#"]),
                statement("Allow", ["iot:Receive"], ["\(arn):topic/fleet/*"]),
                statement("Deny", ["iot:Subscribe"], ["\(arn):topicfilter/fleet/admin/*"]),
            ]
        case .everythingWithWildcardDeny:
            statements = [
                statement("Allow", ["iot:*"], ["*"]), statement("Deny", ["iot:Publish"], ["\(arn):topic/fleet/#"]),
            ]
        }
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements.joined(separator: ",") + "]}"
    }
}
