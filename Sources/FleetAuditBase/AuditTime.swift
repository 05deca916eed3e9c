/// An instant, in microseconds since the Unix epoch (UTC).
///
/// Snapshots carry times in three forms (AWS CLI v1 epoch seconds, epoch
/// milliseconds, CLI v2 ISO 8601 strings) and outputs need microsecond ISO
/// text and epoch milliseconds; one integer type makes both exact and keeps
/// the audit clock deterministic. Calendar arithmetic is the proleptic
/// Gregorian "days from civil" algorithm, so no locale or time zone database
/// is involved.
public struct AuditTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Saturates at the ends of the representable range: epochs come from
    /// snapshots, and no value in one may trap (a time beyond 292,000 years
    /// from 1970 compares as the farthest time there is).
    public init(millisecondsSinceEpoch: Int64) {
        let (product, overflow) = millisecondsSinceEpoch.multipliedReportingOverflow(by: 1000)
        self.microsecondsSinceEpoch = overflow ? (millisecondsSinceEpoch < 0 ? .min : .max) : product
    }

    public static func < (lhs: AuditTime, rhs: AuditTime) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    public var millisecondsSinceEpoch: Int64 { AuditTime.floorDivide(microsecondsSinceEpoch, 1000).quotient }

    /// Saturating, as `init(millisecondsSinceEpoch:)`.
    public func adding(days: Int64) -> AuditTime {
        let (offset, overflow) = days.multipliedReportingOverflow(by: 86_400_000_000)
        guard !overflow else { return AuditTime(microsecondsSinceEpoch: days < 0 ? .min : .max) }
        let (sum, sumOverflow) = microsecondsSinceEpoch.addingReportingOverflow(offset)
        guard !sumOverflow else { return AuditTime(microsecondsSinceEpoch: offset < 0 ? .min : .max) }
        return AuditTime(microsecondsSinceEpoch: sum)
    }

    /// A UTC calendar time; nil when a field is out of range (month 13, February 30, ...).
    public init?(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) {
        guard (1...12).contains(month), (1...AuditTime.daysIn(month: month, year: year)).contains(day),
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second)
        else { return nil }
        let days = AuditTime.daysFromCivil(year: year, month: month, day: day)
        self.microsecondsSinceEpoch = (days * 86_400 + hour * 3600 + minute * 60 + second) * 1_000_000
    }

    /// Numbers above 10^11 are epoch milliseconds (10^11 seconds is the year
    /// 5138, 10^11 milliseconds is 1973), smaller ones epoch seconds.
    public init?(epochNumber: Double) {
        guard epochNumber.isFinite else { return nil }
        let microseconds = abs(epochNumber) > 1e11 ? epochNumber * 1000 : epochNumber * 1_000_000
        guard abs(microseconds) < 9.2e18 else { return nil }
        self.microsecondsSinceEpoch = Int64(microseconds.rounded())
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`. A space may
    /// stand for `T`, and a time without an offset is UTC (AWS IoT log lines
    /// print `2017-08-10 15:37:23.476` in UTC).
    public init?(iso8601 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ AuditTime(iso8601UTF8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    /// `init(iso8601:)` on the text's UTF-8 bytes: log readers hand over the
    /// bytes of a timestamp in place, without making a `String` of each.
    public init?(iso8601UTF8 bytes: UnsafeRawBufferPointer) {
        var index = 0
        func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in index..<(index + count) {
                let byte = bytes[offset]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += count
            return value
        }
        func expect(_ first: UInt8, _ second: UInt8? = nil, _ third: UInt8? = nil) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            guard byte == first || byte == second || byte == third else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), (1...12).contains(month),
            (1...AuditTime.daysIn(month: month, year: year)).contains(day),
            expect(UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")), let hour = digits(2),
            expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2), hour < 24, minute < 60, second < 61
        else { return nil }
        var microseconds: Int64 = 0
        if index < bytes.count && (bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",")) {
            index += 1
            var scale: Int64 = 100_000
            var sawDigit = false
            while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                microseconds += Int64(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
                sawDigit = true
            }
            guard sawDigit else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            if expect(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
                // UTC
            } else if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let offsetHours = digits(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                guard let offsetMinutes = digits(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            } else {
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = AuditTime.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.microsecondsSinceEpoch = seconds * 1_000_000 + microseconds
    }

    /// The form the AWS CLI v2 prints with `TZ=UTC`: `2026-11-26T12:00:00.000000+00:00`.
    public var iso8601: String {
        let (days, microsecondOfDay) = AuditTime.floorDivide(microsecondsSinceEpoch, 86_400_000_000)
        let (year, month, day) = AuditTime.civilFromDays(days)
        let secondOfDay = microsecondOfDay / 1_000_000
        let fraction = microsecondOfDay % 1_000_000
        if (0...9999).contains(year) {
            // Written digit by digit into the string's own storage: findings print a
            // time each, hundreds of thousands of them in a fleet's audit.
            // 32 bytes, and room for the last field's unused separator.
            return String(unsafeUninitializedCapacity: 33) { bytes in
                var index = 0
                func put(_ value: Int64, _ width: Int, _ separator: UInt8) {
                    var rest = value
                    for offset in stride(from: width - 1, through: 0, by: -1) {
                        bytes[index + offset] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                        rest /= 10
                    }
                    bytes[index + width] = separator
                    index += width + 1
                }
                put(year, 4, UInt8(ascii: "-"))
                put(month, 2, UInt8(ascii: "-"))
                put(day, 2, UInt8(ascii: "T"))
                put(secondOfDay / 3600, 2, UInt8(ascii: ":"))
                put(secondOfDay / 60 % 60, 2, UInt8(ascii: ":"))
                put(secondOfDay % 60, 2, UInt8(ascii: "."))
                put(fraction, 6, UInt8(ascii: "+"))
                put(0, 2, UInt8(ascii: ":"))
                put(0, 2, 0)
                return index - 1
            }
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))+00:00"
    }

    /// The form SNS uses for `Timestamp`: `2019-10-25T15:17:53.212Z`.
    public var iso8601Milliseconds: String {
        let text = iso8601
        return String(text.prefix(23)) + "Z"
    }

    public var description: String { iso8601 }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Floor division for a positive divisor, without negating `value`
    /// (`-Int64.min` traps).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// (year, month, day) of a day count since 1970-01-01 (civil_from_days).
    public static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
