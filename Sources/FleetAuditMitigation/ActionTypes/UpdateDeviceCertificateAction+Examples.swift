import FleetAuditCore
import FleetAuditJSON

extension UpdateDeviceCertificateAction {
    typealias Files = MitigationExampleFiles

    static let examples: [MitigationExample] = [
        MitigationExample(
            "a certificate two client IDs used at once: INACTIVE, lastModifiedDate the task time, customerVersion + 1",
            before: Files.sharedCertificateSnapshot(),
            params: #"{"action": "DEACTIVATE"}"#,
            check: .deviceCertificateShared, finding: Files.sharedCertificate,
            outcome: .completed(
                after: ["certificates.json": Files.certificatesAfterDeactivation], reaudit: .findingGone)),
        MitigationExample(
            "a certificate PENDING_TRANSFER cannot be deactivated (UpdateCertificate refuses it)",
            before: Files.sharedCertificateSnapshot(sharedStatus: "PENDING_TRANSFER"),
            params: #"{"action": "DEACTIVATE"}"#,
            check: .deviceCertificateShared, finding: Files.sharedCertificate,
            outcome: .failed(
                errorCode: "CertificateStateException",
                message: "certificate \(Files.sharedCertificateId) is PENDING_TRANSFER; its status cannot be changed "
                    + "to INACTIVE")),
    ]
}
