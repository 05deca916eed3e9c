/// SplitMix64 (Steele, Lea, Flood 2014): a tiny random source fully determined
/// by its state, for everything that must give the same bytes on every run and
/// platform: the fleet generator's streams, the tests' seeded corpora, the
/// benchmark fixtures. One implementation, so none of them drifts.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    /// The generator's output function on `value + increment` (its first output from state `value`).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ increment
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let value = SplitMix64.mix(state)
        state &+= SplitMix64.increment
        return value
    }

    /// A value in `0..<bound` (bound > 0); the modulo bias is irrelevant to fixtures.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
}
