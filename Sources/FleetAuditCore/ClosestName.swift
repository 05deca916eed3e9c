/// "Did you mean" for a mistyped name (a check, an action): the known name at
/// the smallest edit distance, when that distance is small for the name's length.
public enum ClosestName {
    /// The candidate closest to `name` (case-insensitive Levenshtein distance over
    /// bytes) when it is within a third of the name's length (at least 2); else the
    /// one candidate whose `_`-separated words include all of the name's
    /// (`LOGGING_CHECK` → `LOGGING_DISABLED_CHECK`); else nil: a suggestion
    /// unrelated to what was typed would mislead.
    public static func suggestion(for name: String, among candidates: [String]) -> String? {
        let typed = Array(name.uppercased().utf8)
        let allowed = max(2, typed.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(typed, Array(candidate.uppercased().utf8))
            if distance <= allowed, best.map({ distance < $0.distance }) ?? true { best = (candidate, distance) }
        }
        if let best { return best.name }
        let words = Set(name.uppercased().split(separator: "_"))
        guard words.count >= 2 else { return nil }
        let containing = candidates.filter { words.isSubset(of: Set($0.uppercased().split(separator: "_"))) }
        return containing.count == 1 ? containing.first : nil
    }

    /// Levenshtein distance with two rows: O(n·m) time, O(m) memory.
    static func editDistance(_ left: [UInt8], _ right: [UInt8]) -> Int {
        if left.isEmpty { return right.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for (i, leftByte) in left.enumerated() {
            current[0] = i + 1
            for (j, rightByte) in right.enumerated() {
                let substitution = previous[j] + (leftByte == rightByte ? 0 : 1)
                current[j + 1] = min(substitution, previous[j + 1] + 1, current[j] + 1)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
