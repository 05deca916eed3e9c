import FleetAuditPolicy
import Testing

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("*", "anything/at/all", true), ("iot:*", "iot:Publish", true), ("iot:Get*", "iot:GetThingShadow", true),
        ("iot:Get*", "iot:UpdateThingShadow", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("topic/*/b", "topic/x/y/b", true), ("topic/a*", "topic/a", true), ("*a*b*", "xxaxxbxx", true),
        ("*a*b", "xxaxxbxxc", false), ("", "", true), ("", "x", false), ("a**b", "ab", true),
    ])
    func iamGlobs(pattern: String, candidate: String, matches: Bool) {
        #expect(GlobPattern(pattern).matches(candidate) == matches)
    }

    @Test func actionNamesAreCaseInsensitive() {
        #expect(GlobPattern("IOT:publish", caseInsensitive: true).matches("iot:Publish"))
        #expect(!GlobPattern("IOT:publish").matches("iot:Publish"))
    }

    @Test func mqttWildcardsAreLiteralInPolicies() {
        // A policy's `+` and `#` match only themselves...
        #expect(GlobPattern("topicfilter/a/+").matches("topicfilter/a/+"))
        #expect(!GlobPattern("topicfilter/a/+").matches("topicfilter/a/b"))
        #expect(!GlobPattern("topic/a/#").matches("topic/a/b/c"))
        // ...while a policy `*` matches the literal filter a client subscribes with.
        #expect(GlobPattern("topicfilter/a/*").matches("topicfilter/a/#"))
        #expect(GlobPattern("topicfilter/a/*").matches("topicfilter/a/+/c"))
    }

    @Test func variablesAreResolvedAtCompileTime() {
        let pattern = GlobPattern("thing/${iot:Connection.Thing.ThingName}/x") { name in
            name == "iot:Connection.Thing.ThingName" ? .literal("dev-1") : .wildcard
        }
        #expect(pattern.matches("thing/dev-1/x"))
        #expect(!pattern.matches("thing/dev-2/x"))
        #expect(GlobPattern("thing/${unknown}").matches("thing/anything"))
        #expect(!GlobPattern("thing/${iot:ClientId}").isLiteral)
    }

    @Test func prefixReachability() {
        #expect(GlobPattern("arn:aws:iot:*:*:thing/x").canMatch(prefix: "arn:aws:iot:us-east-1:123456789012:"))
        #expect(GlobPattern("*").canMatch(prefix: "arn:aws:iot:us-east-1:1:"))
        #expect(!GlobPattern("arn:aws:s3:::bucket/*").canMatch(prefix: "arn:aws:iot:us-east-1:1:"))
        #expect(!GlobPattern("arn:aws:iot:eu-west-1:1:thing/x").canMatch(prefix: "arn:aws:iot:us-east-1:1:"))
    }
}
