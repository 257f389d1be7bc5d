/// Float reductions over contiguous runs, summed in 16 independent lanes.
///
/// A plain `total += x[i]` loop is one dependent chain of additions (the compiler may not reorder
/// float sums), so it runs at one addition per add latency; sixteen lanes let the additions
/// overlap and use vector registers. The result differs from the sequential sum only by rounding.
enum LaneSums {
    /// Σ x[i] for i < count.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>(), i = 0
        while i + 16 <= count {
            lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var total = lanes.sum()
        while i < count { total += x[i]; i += 1 }
        return total
    }

    /// Σ (x[i] − mean)² for i < count.
    @inline(__always)
    static func squaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
        var lanes = SIMD16<Float>(), i = 0
        let centre = SIMD16<Float>(repeating: mean)
        while i + 16 <= count {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - centre
            lanes += d * d
            i += 16
        }
        var total = lanes.sum()
        while i < count { let d = x[i] - mean; total += d * d; i += 1 }
        return total
    }

    /// (Σ a[i]·b[i], Σ a[i]) for i < count.
    @inline(__always)
    static func dotAndSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> (dot: Float, sum: Float) {
        var dotLanes = SIMD16<Float>(), sumLanes = SIMD16<Float>(), i = 0
        while i + 16 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            dotLanes += va * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            sumLanes += va
            i += 16
        }
        var dot = dotLanes.sum(), sum = sumLanes.sum()
        while i < count { dot += a[i] * b[i]; sum += a[i]; i += 1 }
        return (dot, sum)
    }
}
