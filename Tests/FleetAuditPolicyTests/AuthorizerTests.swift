import FleetAuditPolicy
import Testing

@Suite struct AuthorizerTests {
    static let arn = "arn:aws:iot:us-east-1:123456789012"

    func policy(_ name: String, _ statements: String) throws -> AttachedPolicy {
        AttachedPolicy(
            name: name, arn: "\(Self.arn):policy/\(name)", versionId: "1",
            document: try PolicyDocument(text: #"{"Version": "2012-10-17", "Statement": \#(statements)}"#))
    }

    func authorize(_ action: String, _ resource: String, _ policies: [AttachedPolicy], _ context: AuthorizationContext)
        -> AuthorizationResult
    {
        Authorizer.authorize(action: action, resources: [resource], policies: policies, context: context)
    }

    @Test func explicitDenyBeatsAllow() throws {
        let allow = try policy("Open", #"[{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]"#)
        let deny = try policy(
            "Guard", #"[{"Effect": "Deny", "Action": "iot:Publish", "Resource": "\#(Self.arn):topic/secret/*"}]"#)
        let result = authorize("iot:Publish", "\(Self.arn):topic/secret/x", [allow, deny], AuthorizationContext())
        #expect(result.decision == .explicitDeny)
        #expect(result.allowedBy.map(\.name) == ["Open"])
        #expect(result.explicitlyDeniedBy.map(\.name) == ["Guard"])
        #expect(
            result.decidingStatement
                == .init(policyName: "Guard", policyVersionId: "1", statementIndex: 0, effect: .deny))
        #expect(
            authorize("iot:Publish", "\(Self.arn):topic/open", [allow, deny], AuthorizationContext()).decision
                == .allowed)
    }

    @Test func noMatchingAllowIsAnImplicitDeny() throws {
        let scoped = try policy(
            "Scoped", #"[{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(Self.arn):topic/a"}]"#)
        let result = authorize("iot:Publish", "\(Self.arn):topic/b", [scoped], AuthorizationContext())
        #expect(result.decision == .implicitDeny)
        #expect(result.implicitlyDeniedBy.map(\.name) == ["Scoped"])
        #expect(result.decidingStatement == nil)
    }

    @Test func notActionAndNotResource() throws {
        let notAction = try policy("NA", #"[{"Effect": "Allow", "NotAction": "iot:Connect", "Resource": "*"}]"#)
        #expect(
            authorize("iot:Publish", "\(Self.arn):topic/a", [notAction], AuthorizationContext()).decision == .allowed)
        #expect(
            authorize("iot:Connect", "\(Self.arn):client/a", [notAction], AuthorizationContext()).decision
                == .implicitDeny)
        let notResource = try policy(
            "NR", #"[{"Effect": "Allow", "Action": "iot:Publish", "NotResource": "\#(Self.arn):topic/admin/*"}]"#)
        #expect(
            authorize("iot:Publish", "\(Self.arn):topic/data", [notResource], AuthorizationContext()).decision
                == .allowed)
        #expect(
            authorize("iot:Publish", "\(Self.arn):topic/admin/x", [notResource], AuthorizationContext()).decision
                == .implicitDeny)
    }

    @Test func thingNameResolvesOnlyForAnAttachedThing() throws {
        let device = try policy(
            "Device",
            #"[{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(Self.arn):topic/$aws/things/${iot:Connection.Thing.ThingName}/*"}]"#
        )
        let attached = AuthorizationContext(clientId: "dev-1", attachedThing: "dev-1")
        #expect(
            authorize("iot:Publish", "\(Self.arn):topic/$aws/things/dev-1/shadow/update", [device], attached).decision
                == .allowed)
        #expect(
            authorize("iot:Publish", "\(Self.arn):topic/$aws/things/dev-2/shadow/update", [device], attached).decision
                == .implicitDeny)
        let detached = authorize(
            "iot:Publish", "\(Self.arn):topic/$aws/things/dev-1/shadow/update", [device],
            AuthorizationContext(clientId: "dev-1"))
        #expect(detached.decision == .implicitDeny)
        #expect(detached.missingContextValues == ["iot:Connection.Thing.ThingName"])
    }

    @Test func clientIdAndTheIsAttachedCondition() throws {
        let connect = try policy(
            "C",
            #"[{"Effect": "Allow", "Action": "iot:Connect", "Resource": "\#(Self.arn):client/${iot:ClientId}", "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}}]"#
        )
        #expect(
            authorize(
                "iot:Connect", "\(Self.arn):client/dev-1", [connect], .init(clientId: "dev-1", attachedThing: "dev-1")
            )
            .decision == .allowed)
        #expect(
            authorize("iot:Connect", "\(Self.arn):client/dev-1", [connect], .init(clientId: "dev-1")).decision
                == .implicitDeny)
        let missing = authorize("iot:Connect", "\(Self.arn):client/dev-1", [connect], .init(attachedThing: "dev-1"))
        #expect(missing.missingContextValues == ["iot:ClientId"])
    }

    @Test func thingTypeAndAttributeVariables() throws {
        let byType = try policy(
            "T",
            #"[{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(Self.arn):topicfilter/fleet/${iot:Connection.Thing.ThingTypeName}/${iot:Connection.Thing.Attributes[site]}/#"}]"#
        )
        let context = AuthorizationContext(
            clientId: "dev-1", attachedThing: "dev-1", thingTypeName: "Sensor", thingAttributes: ["site": "berlin"])
        #expect(
            authorize("iot:Subscribe", "\(Self.arn):topicfilter/fleet/Sensor/berlin/#", [byType], context).decision
                == .allowed)
        #expect(
            authorize("iot:Subscribe", "\(Self.arn):topicfilter/fleet/Sensor/paris/#", [byType], context).decision
                == .implicitDeny)
    }

    @Test func otherConditionsAreReportedAsMissingContext() throws {
        let conditional = try policy(
            "IP",
            #"[{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]"#
        )
        let result = authorize("iot:Connect", "\(Self.arn):client/a", [conditional], AuthorizationContext())
        #expect(result.decision == .implicitDeny)
        #expect(result.missingContextValues == ["aws:SourceIp"])
    }

    @Test func subscribingWithMQTTWildcardsNeedsAPolicyThatAllowsTheLiteralFilter() throws {
        let exact = try policy(
            "E", #"[{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(Self.arn):topicfilter/building/+"}]"#
        )
        #expect(authorize("iot:Subscribe", "\(Self.arn):topicfilter/building/+", [exact], .init()).decision == .allowed)
        #expect(
            authorize("iot:Subscribe", "\(Self.arn):topicfilter/building/lobby", [exact], .init()).decision
                == .implicitDeny)
    }
}
