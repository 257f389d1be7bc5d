/// Float reductions over contiguous runs, summed in 16 independent lanes.
///
/// A plain `total += x[i]` loop is one dependent chain of additions (the compiler may not reorder
/// float sums), so it runs at one addition per add latency; sixteen lanes let the additions
/// overlap and use vector registers. The result differs from the sequential sum only by rounding.
enum LaneSums {
    /// (Σ (x[i] − shift), Σ (x[i] − shift)²) for i < count.
    @inline(__always)
    static func shiftedSums(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> (sum: Float, squares: Float) {
        var sumLanes = SIMD16<Float>(), squareLanes = SIMD16<Float>(), i = 0
        let offset = SIMD16<Float>(repeating: shift)
        while i + 16 <= count {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - offset
            sumLanes += d
            squareLanes += d * d
            i += 16
        }
        var sum = sumLanes.sum(), squares = squareLanes.sum()
        while i < count { let d = x[i] - shift; sum += d; squares += d * d; i += 1 }
        return (sum, squares)
    }

    /// (Σ a[i]·(b[i] − centre), Σ a[i]) for i < count.
    @inline(__always)
    static func centredDotAndSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                                 centre: Float) -> (dot: Float, sum: Float) {
        var dotLanes = SIMD16<Float>(), sumLanes = SIMD16<Float>(), i = 0
        let offset = SIMD16<Float>(repeating: centre)
        while i + 16 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            dotLanes += va * (UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self) - offset)
            sumLanes += va
            i += 16
        }
        var dot = dotLanes.sum(), sum = sumLanes.sum()
        while i < count { dot += a[i] * (b[i] - centre); sum += a[i]; i += 1 }
        return (dot, sum)
    }
}
