/// SplitMix64: a tiny, seedable generator whose stream is the same on every platform, so a
/// seed names one slide layout forever.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// A uniform value in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() >> 11) / Double(1 << 53)
    }

    /// SplitMix64's finaliser: a bijective scramble of 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A hash of a seed, a lattice point and a purpose (`salt`): the randomness of one place,
    /// independent of the order places are visited in.
    static func hash(_ seed: UInt64, _ x: Int, _ y: Int, _ salt: UInt64) -> UInt64 {
        mix(seed ^ mix(UInt64(bitPattern: Int64(x)) &* 0x9E37_79B9_7F4A_7C15 ^ mix(UInt64(bitPattern: Int64(y)) &+ salt)))
    }

    /// `hash` mapped to [0, 1).
    static func unit(_ seed: UInt64, _ x: Int, _ y: Int, _ salt: UInt64) -> Double {
        Double(hash(seed, x, y, salt) >> 11) / Double(1 << 53)
    }
}
