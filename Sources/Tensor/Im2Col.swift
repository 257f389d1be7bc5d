/// Unfolding of NCHW batches into convolution patch matrices, and the adjoint fold.
///
/// The patch matrix is [C·k·k, N·OH·OW]: row (c, ky, kx) matches PyTorch's weight layout
/// [Cout, Cin, k, k], column (n, oy, ox) is one output position. A convolution is then one gemm
/// `weight[Cout, C·k·k] · columns`, whatever the batch size. Rows are filled in parallel.
///
/// Both functions take an optional list of kernel taps (ky·k + kx) to keep: taps that read only
/// padding for every output (a 3×3 kernel over a 1×1 map keeps only its centre) contribute zeros,
/// and leaving them out shrinks the gemm. Rows are then (c, tap) over the kept taps.
public enum Im2Col {
    /// Writes the patch matrix of `input` (NCHW, `geometry`) to `columns`; padded taps are 0.
    public static func unfold(_ input: UnsafePointer<Float>, geometry g: ConvolutionGeometry, taps: [Int]? = nil,
                              into columns: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight, ow = g.outputWidth, plane = g.outputPlane
        let rowLength = g.batch * plane
        let taps = taps ?? Array(0..<(g.kernel * g.kernel))
        ParallelFor.run(g.channels * taps.count, minimumPerChunk: 8) { rows in
            for row in rows {
                let c = row / taps.count, tap = taps[row % taps.count]
                let ky = tap / g.kernel, kx = tap % g.kernel
                let rowBase = columns + row * rowLength
                for n in 0..<g.batch {
                    let source = input + (n * g.channels + c) * g.height * g.width
                    let destination = rowBase + n * plane
                    for oy in 0..<oh {
                        let iy = oy * g.stride - g.padding + ky
                        let line = destination + oy * ow
                        if iy < 0 || iy >= g.height {
                            line.update(repeating: 0, count: ow)
                            continue
                        }
                        let sourceLine = source + iy * g.width
                        let (start, end) = g.validOutputColumns(tap: kx)
                        if start > 0 { line.update(repeating: 0, count: start) }
                        if end < ow { (line + max(start, end)).update(repeating: 0, count: ow - max(start, end)) }
                        guard start < end else { continue }
                        let first = start * g.stride - g.padding + kx
                        if g.stride == 1 {
                            (line + start).update(from: sourceLine + first, count: end - start)
                        } else {
                            for ox in start..<end { line[ox] = sourceLine[first + (ox - start) * g.stride] }
                        }
                    }
                }
            }
        }
    }

    /// Adds every patch-matrix entry back to the input position it was read from (the adjoint of
    /// `unfold`); `output` (NCHW) is overwritten. Parallel over channels, so no two threads write
    /// the same element.
    public static func fold(_ columns: UnsafePointer<Float>, geometry g: ConvolutionGeometry, taps: [Int]? = nil,
                            into output: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight, ow = g.outputWidth, plane = g.outputPlane
        let rowLength = g.batch * plane
        let taps = taps ?? Array(0..<(g.kernel * g.kernel))
        let imagePlane = g.height * g.width
        ParallelFor.run(g.channels) { channelRange in
            for c in channelRange {
                for n in 0..<g.batch {
                    (output + (n * g.channels + c) * imagePlane).update(repeating: 0, count: imagePlane)
                }
                for (index, tap) in taps.enumerated() {
                    let ky = tap / g.kernel, kx = tap % g.kernel
                    let (start, end) = g.validOutputColumns(tap: kx)
                    let rowBase = columns + (c * taps.count + index) * rowLength
                    for n in 0..<g.batch {
                        let target = output + (n * g.channels + c) * imagePlane
                        let source = rowBase + n * plane
                        for oy in 0..<oh {
                            let iy = oy * g.stride - g.padding + ky
                            if iy < 0 || iy >= g.height { continue }
                            let targetLine = target + iy * g.width
                            let sourceLine = source + oy * ow
                            let first = start * g.stride - g.padding + kx
                            for ox in start..<end { targetLine[first + (ox - start) * g.stride] += sourceLine[ox] }
                        }
                    }
                }
            }
        }
    }
}
