import FleetAuditCore
import FleetAuditJSON

/// Builders for the policy checks' examples: small `policies.json` files.
enum PolicyExamples {
    static let arn = "arn:aws:iot:us-east-1:123456789012"

    /// One `get-policy-version` output whose document has `statements` (JSON text of the Statement array).
    static func version(_ name: String, _ version: String = "1", isDefault: Bool = true, statements: String) -> String {
        let document = #"{"Version": "2012-10-17", "Statement": \#(statements)}"#
        var quoted = ""
        JSONWriter.writeString(document, into: &quoted)
        return #"{"policyName": "\#(name)", "policyArn": "\#(arn):policy/\#(name)", "policyVersionId": "\#(version)", "#
            + #""isDefaultVersion": \#(isDefault), "policyDocument": \#(quoted)}"#
    }

    static func file(_ versions: String...) -> [String: String] {
        ["policies.json": #"{"policyVersions": ["# + versions.joined(separator: ", ") + "]}"]
    }

    static func allow(_ action: String, _ resource: String, condition: String? = nil) -> String {
        let conditionText = condition.map { #", "Condition": \#($0)"# } ?? ""
        return #"{"Effect": "Allow", "Action": "\#(action)", "Resource": "\#(resource)"\#(conditionText)}"#
    }

    static func deny(_ action: String, _ resource: String) -> String {
        #"{"Effect": "Deny", "Action": "\#(action)", "Resource": "\#(resource)"}"#
    }

    static let attached = #"{"Bool": {"iot:Connection.Thing.IsAttached": "true"}}"#

    static func identifier(_ name: String, _ version: String = "1") -> ResourceIdentifier {
        .policyVersion(policyName: name, policyVersionId: version)
    }
}
