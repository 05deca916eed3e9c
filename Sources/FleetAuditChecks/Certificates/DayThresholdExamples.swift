import FleetAuditCore

/// A certificate check's day threshold in `audit-configuration.json`, as the
/// examples of the checks that take one need it: the configuration that sets it,
/// the audit's refusal of a value the API would not accept, and one refused
/// example per such value.
struct DayThresholdExamples {
    let checkName: String
    let key: String

    /// `audit-configuration.json` enabling the check with `key` set to `value` (JSON text).
    func configuration(_ value: String) -> String {
        #"""
        {"roleArn": "arn:aws:iam::123456789012:role/AuditRole",
         "auditCheckConfigurations": {"\#(checkName)": {"enabled": true,
             "configuration": {"\#(key)": \#(value)}}}}
        """#
    }

    /// What the audit says when it refuses `value`.
    func refusal(_ value: String) -> String {
        "audit-configuration.json: auditCheckConfigurations.\(checkName).configuration.\(key) is \(value); "
            + "expected a whole number of days from 30 to 3652"
    }

    /// One `.rejected` example per (title, JSON value), auditing `certificates`;
    /// each is located where `refused` is called.
    func refused(
        _ values: [(title: String, value: String)], certificates: String,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) -> [CheckExample] {
        values.map { title, value in
            CheckExample(
                title,
                files: ["audit-configuration.json": configuration(value), "certificates.json": certificates],
                expect: .rejected(message: refusal(value)), fileID: fileID, filePath: filePath, line: line)
        }
    }
}
