/// A small, fast, seedable random number generator: xoshiro256** seeded through
/// SplitMix64 (Blackman and Vigna).
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded; OptBench needs the
/// same seed to give the same weights and batches bit for bit, on every platform.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let u = rng.nextUnitFloat()   // in [0, 1)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose whole sequence is determined by `seed`; `stream` picks
    /// an independent sequence for the same seed (for example one per epoch).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed &+ stream &* 0xD1B5_4A32_D192_ED03
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits: `k · 2⁻²⁴`.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's method).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next(upperBound: UInt64(bound)))
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
