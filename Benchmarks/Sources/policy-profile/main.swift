// Parses and classifies the benchmark's 12-statement device policy N times
// (default 2000), so a profiler sees where parse and classification spend
// their time: valgrind --tool=callgrind .build/release/policy-profile 2000
import FleetAuditPolicy

let scope = PolicyScope(region: "us-east-1", accountId: "123456789012", thingsKnown: true)
let arn = "arn:aws:iot:us-east-1:123456789012"
let thing = "${iot:Connection.Thing.ThingName}"
let statements = [
    #"{"Effect": "Allow", "Action": "iot:Connect", "Resource": "\#(arn):client/\#(thing)", "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}}"#,
    #"{"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"], "Resource": "\#(arn):topic/$aws/things/\#(thing)/shadow/*"}"#,
    #"{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/$aws/things/\#(thing)/shadow/*"}"#,
    #"{"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"], "Resource": "\#(arn):topic/$aws/things/\#(thing)/jobs/*"}"#,
    #"{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/$aws/things/\#(thing)/jobs/*"}"#,
    #"{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(arn):topic/telemetry/\#(thing)/#"}"#,
    #"{"Effect": "Allow", "Action": ["iot:GetThingShadow", "iot:UpdateThingShadow"], "Resource": "\#(arn):thing/\#(thing)"}"#,
    #"{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/fleet/*"}"#,
    #"{"Effect": "Deny", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/fleet/admin/#"}"#,
    #"{"Effect": "Allow", "Action": "iot:Receive", "Resource": "\#(arn):topic/fleet/*"}"#,
    #"{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(arn):topic/$aws/things/*/shadow/update"}"#,
    #"{"Effect": "Deny", "Action": "iot:Publish", "Resource": "\#(arn):topic/$aws/things/\#(thing)/shadow/delete"}"#,
]
let text = #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ", ") + "]}"
let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2000 : 2000
// `classify`: parse once, classify N times; otherwise parse and classify N times.
let classifyOnly = CommandLine.arguments.count > 2 && CommandLine.arguments[2] == "classify"
guard let parsed = try? PolicyDocument(text: text) else { fatalError("does not parse") }
var findings = 0
for _ in 0..<iterations {
    let document = classifyOnly ? parsed : ((try? PolicyDocument(text: text)) ?? parsed)
    let analysis = PolicyAnalysis(document, scope: scope)
    findings += analysis.broadDataPlaneGrants().count + analysis.misconfigurations().count
}
print("\(iterations) policies, \(findings) findings")
