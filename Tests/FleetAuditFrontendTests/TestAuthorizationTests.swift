import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditTestSupport
import Foundation
import Testing

@Suite struct TestAuthorizationCommandTests {
    static let arn = "arn:aws:iot:us-east-1:123456789012"

    /// The workshop's first ACTIVE device certificate whose thing is a sensor.
    func sensorCertificate() throws -> (id: String, thing: String) {
        let object = try Snapshot.open(workshopSnapshot).readObject(.thingPrincipals)
        for entry in object["principalThings"]?.arrayValue ?? [] {
            if let thing = entry["things"]?.arrayValue?.first?.stringValue, thing.hasPrefix("workshop-sensor"),
                let principal = entry["principal"]?.stringValue, let slash = principal.lastIndex(of: "/")
            {
                return (String(principal[principal.index(after: slash)...]), thing)
            }
        }
        throw SnapshotProblem(file: "thing-principals.json", reason: "no sensor")
    }

    func run(_ authInfos: String, principal: String?, clientId: String?, add: [String] = [], skip: [String] = [])
        throws -> JSONValue
    {
        let result = try TestAuthorizationRunner.run(
            TestAuthorizationOptions(
                snapshotPath: workshopSnapshot, authInfos: authInfos, principal: principal, clientId: clientId,
                policyNamesToAdd: add, policyNamesToSkip: skip))
        return try result.get()
    }

    @Test func aSensorMayPublishToItsOwnShadowButNotAnothers() throws {
        let (certificate, thing) = try sensorCertificate()
        let response = try run(
            #"[{"actionType": "PUBLISH", "resources": ["\#(Self.arn):topic/$aws/things/\#(thing)/shadow/update"]}, "#
                + #"{"actionType": "PUBLISH", "resources": ["\#(Self.arn):topic/$aws/things/other-thing/shadow/update"]}]"#,
            principal: certificate, clientId: thing)
        let results = try #require(response["authResults"]?.arrayValue)
        #expect(results.map { $0["authDecision"] } == ["ALLOWED", "IMPLICIT_DENY"])
        #expect(results[0]["decidingStatement"]?["policyName"] == "WorkshopDevicePolicy")
        #expect(results[0]["decidingStatement"]?["effect"] == "Allow")
        #expect(results[1]["decidingStatement"] == nil)
    }

    @Test func addingTheBroadPolicyAllowsEverything() throws {
        let (certificate, thing) = try sensorCertificate()
        let response = try run(
            #"[{"actionType": "SUBSCRIBE", "resources": ["\#(Self.arn):topicfilter/$aws/things/#"]}]"#,
            principal: certificate, clientId: thing, add: ["TECHCON703_amazon_freertos_policy"])
        let result = try #require(response["authResults"]?.arrayValue?.first)
        #expect(result["authDecision"] == "ALLOWED")
        #expect(
            result["allowed"]?["policies"]?.arrayValue?.map { $0["policyName"] } == [
                "TECHCON703_amazon_freertos_policy"
            ])
        let skipped = try run(
            #"[{"actionType": "SUBSCRIBE", "resources": ["\#(Self.arn):topicfilter/$aws/things/#"]}]"#,
            principal: certificate, clientId: thing, add: ["TECHCON703_amazon_freertos_policy"],
            skip: ["TECHCON703_amazon_freertos_policy"])
        #expect(skipped["authResults"]?.arrayValue?.first?["authDecision"] == "IMPLICIT_DENY")
    }

    @Test func theResponseMatchesTheBotocoreModel() throws {
        let (certificate, thing) = try sensorCertificate()
        var response = try run(
            #"[{"actionType": "CONNECT", "resources": ["\#(Self.arn):client/\#(thing)"]}]"#, principal: certificate,
            clientId: thing)
        // decidingStatement is FleetAudit's extra member: validate the rest strictly.
        if case .object(var object) = response, var results = object["authResults"]?.arrayValue {
            results = results.map { result in
                guard case .object(var fields) = result else { return result }
                fields["decidingStatement"] = nil
                return .object(fields)
            }
            object["authResults"] = .array(results)
            response = .object(object)
        }
        let out = TemporaryDirectory()
        let file = out.write("response.json", JSONWriter.pretty(response))
        let validation = try DefenderSchemaValidator.validate(file, shape: "TestAuthorizationResponse")
        #expect(validation.status == 0, "\(validation.errors)")
    }

    @Test func aPolicyToAddThatDoesNotExist() throws {
        let result = try TestAuthorizationRunner.run(
            TestAuthorizationOptions(
                snapshotPath: workshopSnapshot,
                authInfos: #"[{"actionType": "CONNECT", "resources": ["\#(Self.arn):client/x"]}]"#,
                policyNamesToAdd: ["NoSuchPolicy"]))
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.description == "fleet-audit: policies.json: no default version of policy NoSuchPolicy")
    }

    @Test func anUnknownCognitoIdentityPool() throws {
        let result = try TestAuthorizationRunner.run(
            TestAuthorizationOptions(
                snapshotPath: workshopSnapshot,
                authInfos: #"[{"actionType": "CONNECT", "resources": ["\#(Self.arn):client/x"]}]"#,
                principal: "us-east-1:0000", cognitoIdentityPoolId: "us-east-1:no-such-pool"))
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(
            failure.description == "fleet-audit: cognito-identity-pools.json: no identity pool us-east-1:no-such-pool")
    }

    @Test func malformedAuthInfos() {
        #expect(throws: UsageError("--auth-infos[0].actionType must be one of CONNECT, PUBLISH, RECEIVE, SUBSCRIBE")) {
            try TestAuthorizationRunner.parseAuthInfos(#"[{"actionType": "DELETE", "resources": ["x"]}]"#)
        }
        #expect(throws: UsageError("--auth-infos must be a JSON array of 1 to 10 objects")) {
            try TestAuthorizationRunner.parseAuthInfos("[]")
        }
    }
}
