/// Element-wise affine maps over contiguous runs, written 16 lanes at a time.
///
/// The package is built for the baseline x86-64 ISA (no `-march`), and the compiler leaves these
/// loops scalar when it cannot prove the pointers distinct; explicit lanes vectorise them.
enum LaneMaps {
    /// y[i] = x[i]·scale + shift for i < count.
    @inline(__always)
    static func affine(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, scale: Float, shift: Float) {
        let s = SIMD16<Float>(repeating: scale), b = SIMD16<Float>(repeating: shift)
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: v * s + b, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { y[i] = x[i] * scale + shift; i += 1 }
    }

    /// out[i] = a·u[i] + b·(v[i] − centre) + c for i < count.
    @inline(__always)
    static func combine(_ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
                        a: Float, b: Float, centre: Float, c: Float) {
        let va = SIMD16<Float>(repeating: a), vb = SIMD16<Float>(repeating: b)
        let vm = SIMD16<Float>(repeating: centre), vc = SIMD16<Float>(repeating: c)
        var i = 0
        while i + 16 <= count {
            let x = UnsafeRawPointer(u + i).loadUnaligned(as: SIMD16<Float>.self)
            let y = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: va * x + vb * (y - vm) + vc, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { out[i] = a * u[i] + b * (v[i] - centre) + c; i += 1 }
    }
}
