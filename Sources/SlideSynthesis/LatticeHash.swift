import Tensor

/// The randomness of one place of a synthetic slide: a hash of a seed, a lattice point and a
/// purpose (`salt`), built from SplitMix64's finaliser (`SeededGenerator.mix`). Unlike a stream
/// from `SeededGenerator`, it does not depend on the order places are visited in, so any band of
/// a slide renders the same pixels whichever band came first.
enum LatticeHash {
    /// 64 well-mixed bits for (`x`, `y`) under `seed` and `salt`.
    static func hash(_ seed: UInt64, _ x: Int, _ y: Int, _ salt: UInt64) -> UInt64 {
        let mix = SeededGenerator.mix
        return mix(seed ^ mix(UInt64(bitPattern: Int64(x)) &* 0x9E37_79B9_7F4A_7C15 ^ mix(UInt64(bitPattern: Int64(y)) &+ salt)))
    }

    /// `hash` mapped to [0, 1) with 53 bits.
    static func unit(_ seed: UInt64, _ x: Int, _ y: Int, _ salt: UInt64) -> Double {
        Double(hash(seed, x, y, salt) >> 11) * 0x1.0p-53
    }
}
