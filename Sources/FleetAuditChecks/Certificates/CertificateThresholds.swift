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
