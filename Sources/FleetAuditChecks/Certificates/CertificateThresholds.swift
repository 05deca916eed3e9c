import FleetAuditCore
import FleetAuditJSON

/// A check's day threshold from `audit-configuration.json`
/// (`describe-account-audit-configuration`):
/// `auditCheckConfigurations.<CHECK>.configuration.<KEY>`, a string of days
/// from 30 to 3652 as the API accepts it.
///
/// The file absent: the API's default applies. Listed unavailable: the
/// threshold cannot be known, so the check FAILS. A value the API would have
/// refused: FAILS, naming the member and the value.
enum CertificateThreshold {
    static let allowedDays: ClosedRange<Int64> = 30...3652

    static func days(
        key: String, check: CheckDescription, defaultDays: Int64, context: AuditContext
    ) throws(SnapshotProblem) -> Int64 {
        let file = SnapshotFile.auditConfiguration
        let configuration: JSONObject
        switch context.snapshot.locate(file) {
        case .failure(let problem):
            if context.snapshot.isListedUnavailable(file) { throw problem }
            return defaultDays
        case .success:
            configuration = try context.snapshot.readObject(file)
        }
        guard let checks = configuration["auditCheckConfigurations"] else { return defaultDays }
        guard checks.objectValue != nil else {
            throw SnapshotProblem(
                file: file.jsonName, reason: "auditCheckConfigurations is \(checks.typeName), not an object")
        }
        let names = [check.name] + check.aliases
        guard let name = names.first(where: { checks[$0] != nil }), let value = checks[name]?["configuration"]?[key]
        else { return defaultDays }
        let member = "auditCheckConfigurations.\(name).configuration.\(key)"
        var days: Int64? = nil
        switch value {
        case .string(let text): days = text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? Int64(text) : nil
        case .integer(let number): days = number
        default: days = nil
        }
        guard let days, allowedDays.contains(days) else {
            throw SnapshotProblem(
                file: file.jsonName,
                reason:
                    "\(member) is \(JSONWriter.compact(value)); expected a whole number of days from 30 to 3652")
        }
        return days
    }
}
