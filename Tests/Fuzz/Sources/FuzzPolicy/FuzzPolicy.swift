import FleetAuditJSON
import FleetAuditPolicy
// The policy document parser, the analysis behind the policy checks, and the
// authorizer behind `test-authorization`, on one document.
// Input: the document text (IoT `policyDocument` string, or URL-encoded IAM text).
import FuzzDriver

private let scope = PolicyScope(region: "us-east-1", accountId: "123456789012", thingsKnown: true)
private let contexts = [
    AuthorizationContext(),
    AuthorizationContext(
        clientId: "sensor-1", attachedThing: "sensor-1", thingTypeName: "Sensor", thingAttributes: ["site": "a/+/#"]),
]
private let actions = ["iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive", "iot:UpdateThingShadow", "s3:*"]

private func exercise(_ document: PolicyDocument) {
    let analysis = PolicyAnalysis(document, scope: scope)
    _ = analysis.broadDataPlaneGrants()
    _ = analysis.broadThingReadGrants()
    _ = analysis.grants(of: actions)
    _ = analysis.grantedServices()
    _ = analysis.serviceWildcards()
    _ = analysis.misconfigurations()
    let policy = AttachedPolicy(
        name: "fuzz", arn: "arn:aws:iot:us-east-1:123456789012:policy/fuzz", versionId: "1", document: document)
    // The document's own resources as requested resources: the worst case for matching.
    var resources = [
        "arn:aws:iot:us-east-1:123456789012:topic/a/b", "arn:aws:iot:us-east-1:123456789012:client/sensor-1",
    ]
    for statement in document.statements.prefix(4) { resources.append(contentsOf: statement.resources.prefix(4)) }
    for context in contexts {
        for action in actions {
            _ = Authorizer.authorize(action: action, resources: resources, policies: [policy], context: context)
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let document = try? PolicyDocument(text: text) { exercise(document) }
    // The JSON-value path (IAM documents as the CLI prints them).
    if case .success(let value) = JSONParser.parse(text), let document = try? PolicyDocument(json: value) {
        exercise(document)
    }
    return 0
}

@_cdecl("FuzzPolicy_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}
