/// An IAM-style glob compiled once: `*` matches any run of characters (also
/// across `/`), `?` exactly one, everything else itself. MQTT's `+` and `#`
/// are literal characters here, as they are in IoT policies (docs/defender-reference.md §2.4).
///
/// `${...}` policy variables are either resolved when the pattern is compiled
/// (`init(_:caseInsensitive:resolve:)`) or kept as symbolic slots, so a policy
/// is compiled once when it is parsed and each slot is decided per match:
/// a wildcard, or the connecting device's own identity (byte 0x01).
///
/// Matching walks the candidate's bytes with the classic single-backtrack
/// wildcard algorithm: linear for patterns with one `*`, no allocation per
/// match, no regex engine.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// One token per pattern position: 0...255 a literal byte, `star`,
    /// `question`, or `variable + slot`.
    @usableFromInline let tokens: [UInt16]
    public let text: String
    @usableFromInline let caseInsensitive: Bool
    /// The names of the symbolic variable slots, in order (at most 32 count).
    public let variables: [String]
    /// How many leading tokens are literal bytes.
    public let literalPrefixCount: Int

    @usableFromInline static let star: UInt16 = 0x100
    @usableFromInline static let question: UInt16 = 0x101
    @usableFromInline static let variable: UInt16 = 0x200
    /// The byte a variable slot stands for when it binds to the device itself.
    @usableFromInline static let selfByte: UInt8 = 0x01
    /// Every slot a wildcard.
    public static let allVariablesWild: UInt32 = ~0

    /// Compiles `text`, keeping `${...}` variables as symbolic slots.
    public init(_ text: String, caseInsensitive: Bool = false) {
        self.init(text, caseInsensitive: caseInsensitive, symbolic: true) { _ in .wildcard }
    }

    /// Compiles `text`, resolving each `${...}` variable now with `resolve`.
    public init(_ text: String, caseInsensitive: Bool = false, resolve: (String) -> VariableBinding) {
        self.init(text, caseInsensitive: caseInsensitive, symbolic: false, resolve: resolve)
    }

    private init(_ text: String, caseInsensitive: Bool, symbolic: Bool, resolve: (String) -> VariableBinding) {
        self.text = text
        self.caseInsensitive = caseInsensitive
        var tokens: [UInt16] = []
        var variables: [String] = []
        var source = text
        // One pass over the bytes; no nested functions, whose captured
        // variables would live in heap boxes (this runs for every pattern of
        // every policy parsed).
        source.withUTF8 { bytes in
            tokens.reserveCapacity(bytes.count)
            var index = 0
            // Where the search for a variable's `}` last failed: no `}` follows,
            // so later `${` need not search again (`${${${...` was quadratic).
            var noCloseFrom = bytes.count
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "$"), index + 2 < noCloseFrom, bytes[index + 1] == UInt8(ascii: "{"),
                    let close = GlobPattern.closingBrace(bytes, from: index + 2, noCloseFrom: &noCloseFrom)
                {
                    let name = GlobPattern.variableName(bytes[(index + 2)..<close])
                    if symbolic && variables.count < 32 {
                        tokens.append(GlobPattern.variable + UInt16(variables.count))
                        variables.append(name)
                    } else {
                        switch resolve(name) {
                        case .wildcard:
                            if tokens.last != GlobPattern.star { tokens.append(GlobPattern.star) }
                        case .literal(let value):
                            for valueByte in value.utf8 {
                                tokens.append(UInt16(caseInsensitive ? GlobPattern.lower(valueByte) : valueByte))
                            }
                        }
                    }
                    index = close + 1
                    continue
                }
                if byte == UInt8(ascii: "*") {
                    // Consecutive stars are one star.
                    if tokens.last != GlobPattern.star { tokens.append(GlobPattern.star) }
                } else if byte == UInt8(ascii: "?") {
                    tokens.append(GlobPattern.question)
                } else {
                    tokens.append(UInt16(caseInsensitive ? GlobPattern.lower(byte) : byte))
                }
                index += 1
            }
        }
        self.tokens = tokens
        self.variables = variables
        literalPrefixCount = tokens.firstIndex { $0 >= GlobPattern.star } ?? tokens.count
    }

    /// The first `}` at or after `start`; when there is none, records `start`
    /// so that no later search repeats the scan.
    static func closingBrace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, noCloseFrom: inout Int) -> Int? {
        if let close = bytes[start...].firstIndex(of: UInt8(ascii: "}")) { return close }
        noCloseFrom = start
        return nil
    }

    /// The common policy variables, so compiling a pattern reuses one string
    /// instead of allocating its name again for every resource of every policy.
    static let knownVariables: [(bytes: [UInt8], name: String)] = [
        "iot:Connection.Thing.ThingName", "iot:ClientId", "credentials-iot:ThingName",
        "iot:Connection.Thing.ThingTypeName", "cognito-identity.amazonaws.com:sub",
    ].map { (Array($0.utf8), $0) }

    static func variableName(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        for known in knownVariables where known.bytes.elementsEqual(bytes) { return known.name }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { text }

    /// True when the pattern has no `*`, `?` or variable.
    public var isLiteral: Bool { literalPrefixCount == tokens.count }

    @inlinable static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// Whether the first `bytes.count` tokens are exactly these literal bytes.
    func hasLiteralPrefix(_ bytes: [UInt8]) -> Bool {
        guard literalPrefixCount >= bytes.count else { return false }
        for (token, byte) in zip(tokens, bytes) where token != UInt16(caseInsensitive ? GlobPattern.lower(byte) : byte)
        {
            return false
        }
        return true
    }

    /// Whether some string beginning with `prefix` matches the pattern (an
    /// `Action`'s `Resource` can name a resource under `arn:aws:iot:...`).
    /// Variables count as wildcards.
    public func canMatch(prefix: String) -> Bool {
        func isStar(_ token: UInt16) -> Bool { token == GlobPattern.star || token >= GlobPattern.variable }
        // The set of pattern positions reachable after consuming the prefix.
        var states: Set<Int> = [0]
        func close(_ states: Set<Int>) -> Set<Int> {
            var result = states
            for state in states {
                var position = state
                while position < tokens.count && isStar(tokens[position]) {
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
                if isStar(token) {
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

    /// Whether the pattern matches the whole of `candidate`, variables as wildcards.
    @inlinable public func matches(_ candidate: String) -> Bool {
        var candidate = candidate
        return candidate.withUTF8 { matches(bytes: $0) }
    }

    @inlinable public func matches(bytes candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        matches(bytes: candidate, fromToken: 0, wildVariables: GlobPattern.allVariablesWild)
    }

    /// Whether tokens from `fromToken` on match the whole of `candidate`. Bit
    /// `k` of `wildVariables` makes slot `k` a wildcard; otherwise the slot
    /// matches the device's own marker byte.
    @inlinable public func matches(
        bytes candidate: UnsafeBufferPointer<UInt8>, fromToken: Int, wildVariables: UInt32
    ) -> Bool {
        tokens.withUnsafeBufferPointer { pattern in
            var patternIndex = fromToken
            var candidateIndex = 0
            // The literal run up to the first wildcard needs no backtracking state.
            if !caseInsensitive {
                let literalEnd = min(literalPrefixCount, pattern.count)
                while patternIndex < literalEnd {
                    guard candidateIndex < candidate.count, pattern[patternIndex] == UInt16(candidate[candidateIndex])
                    else { return false }
                    patternIndex += 1
                    candidateIndex += 1
                }
            }
            var starIndex = -1
            var resumeIndex = 0
            while candidateIndex < candidate.count {
                if patternIndex < pattern.count {
                    var token = pattern[patternIndex]
                    if token >= GlobPattern.variable {
                        token =
                            wildVariables & (1 << UInt32(token - GlobPattern.variable)) != 0
                            ? GlobPattern.star : UInt16(GlobPattern.selfByte)
                    }
                    if token == GlobPattern.star {
                        // A star that ends the pattern takes the rest of the candidate.
                        if patternIndex == pattern.count - 1 { return true }
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
            while patternIndex < pattern.count {
                let token = pattern[patternIndex]
                let isStar =
                    token == GlobPattern.star
                    || (token >= GlobPattern.variable
                        && wildVariables & (1 << UInt32(token - GlobPattern.variable)) != 0)
                guard isStar else { break }
                patternIndex += 1
            }
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
