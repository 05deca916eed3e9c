import FleetAuditCore
import FleetAuditJSON

extension ReplaceDefaultPolicyVersionAction {
    static let policyName = "TECHCON703_amazon_freertos_policy"
    static let policyArn = "arn:aws:iot:us-east-1:123456789012:policy/\(policyName)"
    /// `iot:*` on `*`, as a `policyDocument` string member.
    static let allowEverything =
        #""{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iot:*\", \"Resource\": \"*\"}]}""#

    /// A version of the policy as `get-policy-version` prints it, allowing everything.
    static func version(_ id: Int, isDefault: Bool) -> String {
        #"{"policyName": "\#(policyName)", "policyArn": "\#(policyArn)", "policyVersionId": "\#(id)", "#
            + #""isDefaultVersion": \#(isDefault), "policyDocument": \#(allowEverything)}"#
    }

    static func policies(_ versions: String...) -> String {
        #"{"policyVersions": ["# + versions.joined(separator: ",\n") + "]}"
    }

    static let overlyPermissive = ExpectedFinding(
        "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", .policyVersion(policyName: policyName, policyVersionId: "1"))

    static let examples: [MitigationExample] = [
        MitigationExample(
            "iot:* on * (the workshop's policy): a blank version 2 becomes the default, version 1 stays",
            before: ["policies.json": policies(version(1, isDefault: true))],
            params: #"{"templateName": "BLANK_POLICY"}"#,
            check: .iotPolicyOverlyPermissive, finding: overlyPermissive,
            outcome: .completed(
                after: [
                    "policies.json": policies(
                        version(1, isDefault: false),
                        #"{"policyArn": "\#(policyArn)", "policyName": "\#(policyName)", "#
                            + #""policyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "#
                            + #""policyVersionId": "2", "isDefaultVersion": true, "#
                            + #""creationDate": "\#(MitigationExample.taskTime.iso8601)", "#
                            + #""lastModifiedDate": "\#(MitigationExample.taskTime.iso8601)", "#
                            + #""generationId": "3af39c8b-44e8-54d2-9aa6-a0a5206e4d35"}"#)
                ],
                reaudit: .findingGone)),
        MitigationExample(
            "a policy with five versions already: VersionsLimitExceededException, nothing changes",
            before: [
                "policies.json": policies(
                    version(1, isDefault: true), version(2, isDefault: false), version(3, isDefault: false),
                    version(4, isDefault: false), version(5, isDefault: false))
            ],
            params: #"{"templateName": "BLANK_POLICY"}"#,
            check: .iotPolicyOverlyPermissive, finding: overlyPermissive,
            outcome: .failed(
                errorCode: "VersionsLimitExceededException",
                message: "policy \(policyName) already has 5 versions, the most a policy can hold")),
    ]
}
