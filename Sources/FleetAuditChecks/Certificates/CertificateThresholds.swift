import FleetAuditCore

/// The day thresholds of the certificate checks, as the account audit
/// configuration sets them (`auditCheckConfigurations.<CHECK>.configuration.<KEY>`,
/// a string of days). AWS accepts 30 to 3652 days for both keys (the Device
/// Defender pages of the two checks); `AuditConfiguration` refuses anything else
/// before the audit starts.
enum CertificateThreshold {
    static let allowedDays: ClosedRange<Int64> = 30...3652

    static func key(_ name: String, defaultDays: Int64) -> CheckConfigurationKey {
        CheckConfigurationKey(name, allowedRange: allowedDays, defaultValue: defaultDays, unit: "days")
    }
}

/// A device certificate check whose one setting is a day threshold: it reads `certificates.json`
/// and takes the threshold from the audit configuration as its facts. A check names `ResourceCheck`
/// beside it, so that its shape shows in its declaration (and the registration test finds it).
protocol DeviceCertificateThresholdCheck: ResourceCheck where Facts == Int64 {
    static var threshold: CheckConfigurationKey { get }
}

extension DeviceCertificateThresholdCheck {
    public static var resourceFile: SnapshotFile { .certificates }
    public static var resourceMembers: [String]? { CertificateElement.members }

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> Int64 {
        try context.configuration.value(Self.threshold, for: Self.description)
    }
}
