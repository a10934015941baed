/// The host noise generator of the MRT2 contract (mrt2-model.md §3.8): SplitMix64 with 64-bit wrapping
/// arithmetic, seed 0 replaced by the golden gamma, uniforms from the top 24 bits.
public struct SplitMix64: Sendable {
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed == 0 ? Self.gamma : seed
    }

    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits, exactly representable as Float.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) / 16_777_216
    }

    /// Standard normal by Box–Muller from two uniforms (the first clamped to 1e-7 so the log stays finite).
    public mutating func nextGaussian() -> Float {
        let u1 = Double(max(nextUniform(), 1e-7))
        let u2 = Double(nextUniform())
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// Gumbel(0, 1) noise as the rollout graph expects it: -ln(-ln(max(u, 1e-7))).
    public mutating func nextGumbel() -> Float {
        let u = Double(max(nextUniform(), 1e-7))
        return Float(-_log(-_log(u)))
    }

    /// A stream per input, independent of the order inputs are visited: seed XOR FNV-1a-64 of the input name.
    public static func stream(seed: UInt64, name: String) -> SplitMix64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        return SplitMix64(seed: seed ^ h)
    }
}
