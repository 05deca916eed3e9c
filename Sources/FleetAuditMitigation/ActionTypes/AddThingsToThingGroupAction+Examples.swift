import FleetAuditCore
import FleetAuditJSON

extension AddThingsToThingGroupAction {
    typealias Files = MitigationExampleFiles

    /// A static group Quarantine and a dynamic group Unpatched; gateway-01 is attached to the shared certificate.
    static let groupFiles: [String: String] = [
        "thing-groups.json": #"""
        {"thingGroups": [
          {"thingGroupName": "Quarantine", "thingGroupMetadata": {"rootToParentThingGroups": []}},
          {"thingGroupName": "Unpatched", "queryString": "attributes.firmware:1.0"}]}
        """#,
        "thing-principals.json": #"""
        {"principalThings": [{"principal": "\#(Files.sharedCertificateArn)", "things": ["gateway-01"]}]}
        """#,
    ]

    static let examples: [MitigationExample] = [
        MitigationExample(
            "the thing of a shared certificate joins Quarantine; the certificate, and so the finding, stay",
            before: Files.sharedCertificateSnapshot(groupFiles),
            params: #"{"thingGroupNames": ["Quarantine"]}"#,
            check: .deviceCertificateShared, finding: Files.sharedCertificate,
            outcome: .completed(
                after: [
                    "thing-group-members.json":
                        #"{"thingGroupMembers": [{"thingGroupName": "Quarantine", "things": ["gateway-01"]}]}"#
                ],
                reaudit: .findingStays)),
        MitigationExample(
            "a dynamic group cannot take things: InvalidRequestException, nothing changes",
            before: Files.sharedCertificateSnapshot(groupFiles),
            params: #"{"thingGroupNames": ["Unpatched"]}"#,
            check: .deviceCertificateShared, finding: Files.sharedCertificate,
            outcome: .failed(
                errorCode: "InvalidRequestException",
                message: "thing group Unpatched is dynamic; things cannot be added to it")),
    ]
}
