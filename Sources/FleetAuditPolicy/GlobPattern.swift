/// An IAM-style glob compiled once: `*` matches any run of characters (also
/// across `/`), `?` exactly one, everything else itself. MQTT's `+` and `#`
/// are literal characters here, as they are in IoT policies (reference §2.4).
///
/// Matching walks the candidate's bytes with the classic single-backtrack
/// wildcard algorithm: linear for patterns with one `*`, no allocation per
/// match, no regex engine.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// One token per pattern position: 0...255 a literal byte, `star` or `question`.
    @usableFromInline let tokens: [UInt16]
    public let text: String
    @usableFromInline let caseInsensitive: Bool

    @usableFromInline static let star: UInt16 = 0x100
    @usableFromInline static let question: UInt16 = 0x101

    /// Compiles `text`; `${...}` policy variables are resolved by `resolve`.
    public init(
        _ text: String, caseInsensitive: Bool = false, resolve: (String) -> VariableBinding = { _ in .wildcard }
    ) {
        self.text = text
        self.caseInsensitive = caseInsensitive
        var tokens: [UInt16] = []
        tokens.reserveCapacity(text.utf8.count)
        let bytes = Array(text.utf8)
        var index = 0
        func append(literal byte: UInt8) {
            tokens.append(UInt16(caseInsensitive ? GlobPattern.lower(byte) : byte))
        }
        func appendStar() {
            // Consecutive stars are one star.
            if tokens.last != GlobPattern.star { tokens.append(GlobPattern.star) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}"))
            {
                let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                switch resolve(name) {
                case .wildcard: appendStar()
                case .literal(let value): for valueByte in value.utf8 { append(literal: valueByte) }
                }
                index = close + 1
                continue
            }
            switch byte {
            case UInt8(ascii: "*"): appendStar()
            case UInt8(ascii: "?"): tokens.append(GlobPattern.question)
            default: append(literal: byte)
            }
            index += 1
        }
        self.tokens = tokens
    }

    public var description: String { text }

    /// True when the pattern has no `*` or `?` (after variables were resolved).
    public var isLiteral: Bool { !tokens.contains { $0 >= GlobPattern.star } }

    @inlinable static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// Whether some string beginning with `prefix` matches the pattern (an
    /// `Action`'s `Resource` can name a resource under `arn:aws:iot:...`).
    public func canMatch(prefix: String) -> Bool {
        // The set of pattern positions reachable after consuming the prefix.
        var states: Set<Int> = [0]
        func close(_ states: Set<Int>) -> Set<Int> {
            var result = states
            for state in states {
                var position = state
                while position < tokens.count && tokens[position] == GlobPattern.star {
                    position += 1
                    result.insert(position)
                }
            }
            return result
        }
        states = close(states)
        for raw in prefix.utf8 {
            let byte = caseInsensitive ? GlobPattern.lower(raw) : raw
            var next: Set<Int> = []
            for state in states where state < tokens.count {
                let token = tokens[state]
                if token == GlobPattern.star {
                    next.insert(state)
                } else if token == GlobPattern.question || token == UInt16(byte) {
                    next.insert(state + 1)
                }
            }
            states = close(next)
            if states.isEmpty { return false }
        }
        return true
    }

    /// Whether the pattern matches the whole of `candidate`.
    @inlinable public func matches(_ candidate: String) -> Bool {
        var candidate = candidate
        return candidate.withUTF8 { matches(bytes: $0) }
    }

    @inlinable public func matches(bytes candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        tokens.withUnsafeBufferPointer { pattern in
            var patternIndex = 0
            var candidateIndex = 0
            var starIndex = -1
            var resumeIndex = 0
            while candidateIndex < candidate.count {
                if patternIndex < pattern.count {
                    let token = pattern[patternIndex]
                    if token == GlobPattern.star {
                        starIndex = patternIndex
                        resumeIndex = candidateIndex
                        patternIndex += 1
                        continue
                    }
                    let byte =
                        caseInsensitive ? GlobPattern.lower(candidate[candidateIndex]) : candidate[candidateIndex]
                    if token == GlobPattern.question || token == UInt16(byte) {
                        patternIndex += 1
                        candidateIndex += 1
                        continue
                    }
                }
                guard starIndex >= 0 else { return false }
                patternIndex = starIndex + 1
                resumeIndex += 1
                candidateIndex = resumeIndex
            }
            while patternIndex < pattern.count && pattern[patternIndex] == GlobPattern.star { patternIndex += 1 }
            return patternIndex == pattern.count
        }
    }
}

/// What a `${...}` policy variable stands for when a pattern is compiled.
public enum VariableBinding: Sendable, Hashable {
    /// Any value: the variable can bind to anything (or to values shared by many devices).
    case wildcard
    /// Exactly this text.
    case literal(String)
}
