import FleetAuditCore
import FleetAuditJSON

extension PublishFindingToSnsAction {
    typealias Files = MitigationExampleFiles

    static let examples: [MitigationExample] = [
        MitigationExample(
            "a finding published: one notification, the snapshot unchanged, the finding stays",
            before: Files.loggingOff,
            params: #"{"topicArn": "\#(Files.topic)"}"#,
            check: .loggingDisabled, finding: Files.loggingDisabled,
            outcome: .completed(after: [:], reaudit: .findingStays),
            published: [Files.topic]),
        MitigationExample(
            "any check's finding can be published (a shared device certificate)",
            before: Files.sharedCertificateSnapshot(),
            params: #"{"topicArn": "\#(Files.topic)"}"#,
            check: .deviceCertificateShared, finding: Files.sharedCertificate,
            outcome: .completed(after: [:], reaudit: .findingStays),
            published: [Files.topic]),
    ]
}
