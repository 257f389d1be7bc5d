/// Exact widening of the 16-bit float formats safetensors stores, written on bit patterns
/// because `Float16` is unavailable on some supported platforms (macOS on Intel).
extension Float {
    /// The IEEE 754 binary16 value with bit pattern `bits` (1 sign, 5 exponent, 10 fraction).
    init(float16Bits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction · 2^-24, exact in binary32.
            let magnitude = Float(fraction) * 0x1p-24
            self = sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity or NaN; the NaN payload moves to the top of the binary32 fraction.
            self = Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            // Rebias the exponent from 15 to 127.
            self = Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
        }
    }

    /// The bfloat16 value with bit pattern `bits`: the upper half of a binary32.
    init(bfloat16Bits bits: UInt16) {
        self = Float(bitPattern: UInt32(bits) << 16)
    }
}
