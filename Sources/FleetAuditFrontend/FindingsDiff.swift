import FleetAuditCore
import FleetAuditJSON

/// What identifies one non-compliance across audits: the check, the resource
/// identifier and the reason code. Finding ids cannot serve: they are derived
/// from the task id, so every audit gives the same finding a new one.
public struct FindingKey: Sendable, Hashable, Comparable {
    public var checkName: String
    public var resourceType: String
    /// The resource identifier as compact JSON with its members sorted, so the
    /// member order of a hand-made or AWS-printed findings.json does not matter.
    public var identifierText: String
    public var reasonCode: String

    public static func < (lhs: FindingKey, rhs: FindingKey) -> Bool {
        (lhs.checkName, lhs.resourceType, lhs.identifierText, lhs.reasonCode)
            < (rhs.checkName, rhs.resourceType, rhs.identifierText, rhs.reasonCode)
    }
}

/// One finding of an audit as the diff keeps it: its key and what the report shows.
public struct DiffFinding: Sendable, Hashable {
    public var key: FindingKey
    public var severity: Severity
    public var resourceIdentifier: JSONValue
    public var findingId: String
    public var isSuppressed: Bool

    /// Reads the members a diff needs from one element of `findings.json`;
    /// the error names the member that is missing or wrong.
    public static func read(_ finding: JSONValue, at location: SnapshotProblem) throws(SnapshotProblem) -> DiffFinding {
        func problem(_ reason: String) -> SnapshotProblem {
            var located = location
            located.reason = reason
            return located
        }
        guard let findingId = finding["findingId"]?.stringValue else {
            throw problem("finding has no findingId string")
        }
        guard let checkName = finding["checkName"]?.stringValue else {
            throw problem("finding \(findingId) has no checkName string")
        }
        guard let code = finding["reasonForNonComplianceCode"]?.stringValue else {
            throw problem("finding \(findingId) has no reasonForNonComplianceCode string")
        }
        guard let severityText = finding["severity"]?.stringValue, let severity = Severity(rawValue: severityText)
        else {
            throw problem(
                "finding \(findingId): severity must be one of "
                    + Severity.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let resource = finding["nonCompliantResource"], let resourceType = resource["resourceType"]?.stringValue,
            let identifier = resource["resourceIdentifier"], identifier.objectValue != nil
        else {
            throw problem(
                "finding \(findingId) has no nonCompliantResource with a resourceType and a resourceIdentifier object")
        }
        var suppressed = false
        if let flag = finding["isSuppressed"] {
            guard let value = flag.boolValue else {
                throw problem("finding \(findingId): isSuppressed is not a boolean")
            }
            suppressed = value
        }
        return DiffFinding(
            key: FindingKey(
                checkName: checkName, resourceType: resourceType, identifierText: CanonicalJSON.text(identifier),
                reasonCode: code),
            severity: severity, resourceIdentifier: identifier, findingId: findingId, isSuppressed: suppressed)
    }
}

/// JSON text that does not depend on member order.
enum CanonicalJSON {
    static func text(_ value: JSONValue) -> String { JSONWriter.compact(sorted(value)) }

    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(
                JSONObject(object.members.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) }))
        case .array(let elements): return .array(elements.map(sorted))
        default: return value
        }
    }
}

/// The comparison of two audits of one account, by `FindingKey`:
///
/// - **new**: non-compliant in NEW, not in OLD, and not suppressed in NEW;
/// - **persisting**: non-compliant in both, not suppressed in NEW;
/// - **suppressed**: non-compliant in NEW and suppressed there, whether new or
///   persisting (`change`). A suppressed finding is a known exception: it is
///   shown, apart, and never counts as new for `--fail-on`;
/// - **resolved**: non-compliant in OLD, not in NEW, and its check completed in
///   NEW (COMPLETED_COMPLIANT or COMPLETED_NON_COMPLIANT);
/// - **not re-assessed**: non-compliant in OLD whose check FAILED in NEW or was
///   not run: nobody looked again, so it is not called resolved.
///
/// A NEW finding whose check FAILED in OLD, or was not run there, counts as new:
/// it was not known before, and a gate should see it.
public struct FindingsDiff: Sendable {
    public struct Change: Sendable, Hashable {
        public var old: DiffFinding?
        public var new: DiffFinding?
        /// The finding the report shows: NEW's when there is one, else OLD's.
        public var finding: DiffFinding
        /// Of a finding not re-assessed: NEW's status of its check, `FAILED`, or
        /// `NOT_RUN` when NEW did not run it.
        public var newCheckRunStatus: String?

        /// A finding of NEW, with its match in OLD when there is one.
        init(old: DiffFinding?, new: DiffFinding) {
            self.old = old
            self.new = new
            finding = new
        }

        /// A finding of OLD that NEW does not have.
        init(old: DiffFinding) {
            self.old = old
            new = nil
            finding = old
        }
    }

    public var new: [Change] = []
    public var resolved: [Change] = []
    public var persisting: [Change] = []
    public var suppressed: [Change] = []
    /// Each with `newCheckRunStatus`.
    public var notReassessed: [Change] = []

    /// Classifies `old` and `new` findings. `newCheckStatuses`: check name → NEW's `checkRunStatus`.
    public static func compare(
        old: [DiffFinding], new: [DiffFinding], newCheckStatuses: [String: String]
    ) -> FindingsDiff {
        var remaining: [FindingKey: DiffFinding] = [:]
        for finding in old where remaining[finding.key] == nil { remaining[finding.key] = finding }
        var diff = FindingsDiff()
        var seen: Set<FindingKey> = []
        for finding in new where seen.insert(finding.key).inserted {
            let before = remaining.removeValue(forKey: finding.key)
            let change = Change(old: before, new: finding)
            if finding.isSuppressed {
                diff.suppressed.append(change)
            } else if before == nil {
                diff.new.append(change)
            } else {
                diff.persisting.append(change)
            }
        }
        for (_, finding) in remaining {
            let status = newCheckStatuses[finding.key.checkName] ?? "NOT_RUN"
            var change = Change(old: finding)
            if status == CheckRunStatus.completedCompliant.rawValue
                || status == CheckRunStatus.completedNonCompliant.rawValue
            {
                diff.resolved.append(change)
            } else {
                change.newCheckRunStatus = status
                diff.notReassessed.append(change)
            }
        }
        let order = { (lhs: Change, rhs: Change) in lhs.finding.key < rhs.finding.key }
        diff.new.sort(by: order)
        diff.resolved.sort(by: order)
        diff.persisting.sort(by: order)
        diff.suppressed.sort(by: order)
        diff.notReassessed.sort(by: order)
        return diff
    }

    /// The new findings that trip `--fail-on` (suppressed ones are never new).
    public func tripping(_ threshold: FailOnThreshold) -> [Change] {
        new.filter { threshold.trips($0.finding.severity) }
    }
}
