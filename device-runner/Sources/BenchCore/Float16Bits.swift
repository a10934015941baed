/// binary16 as raw bits, so the runner can fill and scan FP16 arrays on every platform (Swift's `Float16` type
/// does not exist on Intel Macs).
public enum Float16Bits {
    /// Round-to-nearest-even conversion of a Float to binary16 bits; overflow gives ±infinity, NaN stays NaN.
    public static func from(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return sign | 0x7C00 | (mantissa != 0 ? 0x0200 : 0)
        }
        let e = exponent - 127 + 15
        if e >= 0x1F {
            return sign | 0x7C00
        }
        if e <= 0 {
            // Subnormal (or zero): shift the implicit-one mantissa right and round.
            if e < -10 { return sign }
            let full = mantissa | 0x80_0000
            let shift = UInt32(14 - e)
            return sign | UInt16(roundShift(full, by: shift))
        }
        // Normal: a carry out of the mantissa bumps the exponent, up to infinity, which is the right answer.
        let rounded = roundShift((UInt32(e) << 23) | mantissa, by: 13)
        return sign | UInt16(rounded)
    }

    /// Widening conversion of binary16 bits to Float (exact).
    public static func toFloat(_ h: UInt16) -> Float {
        let sign: UInt32 = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13))
    }

    /// Finite unless the exponent bits are all ones (infinity or NaN).
    @inline(__always)
    public static func isFinite(_ h: UInt16) -> Bool {
        h & 0x7C00 != 0x7C00
    }

    private static func roundShift(_ value: UInt32, by shift: UInt32) -> UInt32 {
        let kept = value >> shift
        let remainder = value & ((1 << shift) - 1)
        let half: UInt32 = 1 << (shift - 1)
        if remainder > half || (remainder == half && kept & 1 == 1) {
            return kept + 1
        }
        return kept
    }
}
