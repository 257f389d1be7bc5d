/// A deterministic pseudo-random generator (xoshiro256**, state seeded through SplitMix64).
///
/// Same seed, same sequence, on every platform: initialisers, dropout masks, bag sampling and
/// shuffling all draw from it so that runs are reproducible. It is a value type; copying it forks
/// the stream. Not thread-safe: give each thread its own generator (e.g. seeded `seed &+ thread`).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is fixed by `seed` (any value, including 0). The four
    /// state words are SplitMix64's first four outputs for `seed`, as xoshiro's authors advise,
    /// so nearby seeds give unrelated streams.
    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            return Self.mix(splitMix)
        }
        state = (next(), next(), next(), next())
    }

    /// SplitMix64's finaliser: a bijective scramble of 64 bits in which every input bit affects
    /// every output bit. It seeds the generator, and hashes positions where randomness must not
    /// depend on the order of visits (the textures of synthetic slides).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 uniformly distributed bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Float` in [`lower`, `upper`).
    public mutating func nextUniform(in lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * nextUniform()
    }

    /// A uniform `Double` in `range` with 53 random bits (the upper bound itself is not drawn
    /// unless the range is a single value).
    public mutating func nextUniform(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * (Double(next() >> 11) * 0x1.0p-53)
    }

    /// A standard normal sample (Box–Muller in Double precision, one value per call).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1.0p-53, Double.leastNonzeroMagnitude)
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
