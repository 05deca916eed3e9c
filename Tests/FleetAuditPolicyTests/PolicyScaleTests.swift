import Testing

@testable import FleetAuditPolicy

/// The document shapes that made the analysis quadratic (issue 10): a Deny on
/// a filter of 20,000 levels, and 10,000 Allow plus 10,000 Deny statements.
/// The results are asserted exactly here; the time they take in a release
/// build is measured in docs/security.md ("Limits and honest status").
@Suite struct PolicyScaleTests {
    static let arn = "arn:aws:iot:us-east-1:123456789012"
    let scope = PolicyScope(region: "us-east-1", accountId: "123456789012")

    static func document(_ statements: [String]) throws -> PolicyDocument {
        try PolicyDocument(
            text: #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ",") + "]}")
    }

    static func statement(_ effect: String, _ actions: [String], _ resources: [String]) -> String {
        let quoted = { (list: [String]) in list.map { "\"\($0)\"" }.joined(separator: ",") }
        return #"{"Effect": "\#(effect)", "Action": [\#(quoted(actions))], "Resource": [\#(quoted(resources))]}"#
    }

    /// Every enclosing level is a candidate, and only the last (`#`) is allowed:
    /// the search visits all 20,000 of them.
    @Test func aDenyOnATwentyThousandLevelFilter() throws {
        let levels = (0..<20_000).map { "l\($0 % 10)" }.joined(separator: "/")
        let denied = "\(Self.arn):topicfilter/\(levels)/*"
        let document = try Self.document([
            Self.statement("Allow", ["iot:Receive"], ["\(Self.arn):topic/*"]),
            Self.statement("Allow", ["iot:Subscribe"], ["\(Self.arn):topicfilter/#"]),
            Self.statement("Deny", ["iot:Subscribe"], [denied]),
        ])
        let analysis = PolicyAnalysis(document, scope: scope)
        let found = analysis.misconfigurations()
        #expect(found.count == 1)
        #expect(found.first?.kind == .deniedTopicsAllowedThroughWildcards)
        #expect(found.first?.statementIndex == 2)
        #expect(found.first?.resource == denied)
        #expect(found.first?.allowedFilter == "#")
    }

    /// An Allow of every filter: the innermost enclosing level is the answer.
    @Test func aDeepDenyUnderABroadAllowNamesTheInnermostLevel() throws {
        let levels = (0..<20_000).map { "l\($0 % 10)" }
        let denied = "\(Self.arn):topicfilter/\(levels.joined(separator: "/"))/*"
        let document = try Self.document([
            Self.statement("Allow", ["iot:*"], ["*"]), Self.statement("Deny", ["iot:Subscribe"], [denied]),
        ])
        let found = PolicyAnalysis(document, scope: scope).misconfigurations()
        #expect(found.count == 1)
        #expect(found.first?.allowedFilter == levels.dropLast().joined(separator: "/") + "/#")
    }

    /// Each Allow reaches other devices' topics and each Deny takes them back;
    /// each Deny of `dev/i/secret/*` leaves `dev/i/#` open.
    @Test func tenThousandAllowsAndTenThousandDenies() throws {
        let count = 10_000
        let actions = ["iot:Publish", "iot:Receive", "iot:Subscribe"]
        let allows = (0..<count).map { index in
            Self.statement(
                "Allow", actions,
                [
                    "\(Self.arn):topic/dev/\(index)/*", "\(Self.arn):topicfilter/dev/\(index)/*",
                    "\(Self.arn):topic/$aws/things/*",
                ])
        }
        let denies = (0..<count).map { index in
            Self.statement(
                "Deny", actions, ["\(Self.arn):topic/$aws/*", "\(Self.arn):topicfilter/dev/\(index)/secret/*"])
        }
        let analysis = PolicyAnalysis(try Self.document(allows + denies), scope: scope)
        #expect(analysis.broadDataPlaneGrants() == [])
        let found = analysis.misconfigurations()
        #expect(found.count == count)
        let expected = (0..<count).map { index in
            PolicyMisconfiguration(
                kind: .deniedTopicsAllowedThroughWildcards, statementIndex: count + index,
                resource: "\(Self.arn):topicfilter/dev/\(index)/secret/*", allowedFilter: "dev/\(index)/#")
        }
        // Compared element by element: a failure names one element, not 10,000.
        #expect(found.indices.first { found[$0] != expected[$0] } == nil)
    }

    /// The indexed search answers as the plain evaluation would, candidate by
    /// candidate (NotResource, variables, conditional statements, `?`).
    @Test(arguments: [
        "a/b/c/*", "a/b/c*", "a/*", "a*", "*", "/*", "a//b/*", "x/y/z/*", "a/b/secret/?x", "dev/q/*",
    ])
    func theIndexAgreesWithThePlainEvaluation(denied: String) throws {
        let document = try Self.document([
            Self.statement("Allow", ["iot:Receive"], ["\(Self.arn):topic/a/*", "\(Self.arn):topic/x/*"]),
            Self.statement("Allow", ["iot:Subscribe"], ["\(Self.arn):topicfilter/a/b/#"]),
            Self.statement("Allow", ["iot:Subscribe"], ["\(Self.arn):topicfilter/x/${iot:ClientId}/#"]),
            Self.statement("Deny", ["iot:Subscribe"], ["\(Self.arn):topicfilter/a/b/#"]),
            #"{"Effect": "Allow", "Action": "iot:Subscribe", "NotResource": "\#(Self.arn):topicfilter/x/y/#"}"#,
            #"{"Effect": "Deny", "Action": "iot:*", "NotResource": ["\#(Self.arn):topic*"]}"#,
            Self.statement("Allow", ["iot:Receive"], ["\(Self.arn):topic/dev/?/*"]),
            Self.statement("Deny", ["iot:Subscribe"], ["\(Self.arn):topicfilter/#"]),
            Self.statement("Deny", ["iot:Subscribe"], ["\(Self.arn):topicfilter/\(denied)"]),
        ])
        let analysis = PolicyAnalysis(document, scope: scope)
        let fast = TopicReachability(analysis).subtreeStillReachable(denied: Array(denied.utf8)[...])
        #expect(fast == Self.plainSubtreeStillReachable(analysis, denied: denied))
    }

    /// The search as it was written before the index (one string per level).
    static func plainSubtreeStillReachable(_ analysis: PolicyAnalysis, denied pattern: String) -> String? {
        guard let star = pattern.firstIndex(where: { $0 == "*" || $0 == "?" }) else { return nil }
        let prefix = String(pattern[..<star])
        let deniedTopic = analysis.scope.arnPrefix + "topic/" + prefix + PolicyScope.otherMarker
        guard analysis.isAllowed("iot:Receive", deniedTopic) else { return nil }
        var levels = prefix.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if levels.last == "" { levels.removeLast() }
        var candidates: [String] = []
        while !levels.isEmpty {
            levels.removeLast()
            candidates.append(levels.isEmpty ? "#" : levels.joined(separator: "/") + "/#")
        }
        return candidates.first { analysis.isAllowed("iot:Subscribe", analysis.scope.arnPrefix + "topicfilter/" + $0) }
    }

    /// `${` without a closing brace, 100,000 times: compiled in one pass.
    @Test func unclosedVariablesCompileLinearly() {
        let text = String(repeating: "${", count: 100_000)
        let pattern = GlobPattern(text)
        #expect(pattern.isLiteral)
        #expect(pattern.matches(text))
    }
}
