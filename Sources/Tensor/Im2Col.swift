/// Unfolding of NCHW batches into convolution patch matrices, and the adjoint fold.
///
/// The patch matrix is [C·k·k, N·OH·OW]: row (c, ky, kx) matches PyTorch's weight layout
/// [Cout, Cin, k, k], column (n, oy, ox) is one output position. A convolution is then one gemm
/// `weight[Cout, C·k·k] · columns`, whatever the batch size. Rows are filled in parallel.
public enum Im2Col {
    /// Writes the patch matrix of `input` (NCHW, `geometry`) to `columns`; padded taps are 0.
    public static func unfold(_ input: UnsafePointer<Float>, geometry g: ConvolutionGeometry, into columns: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight, ow = g.outputWidth, plane = g.outputPlane
        let rowLength = g.batch * plane
        let kk = g.kernel * g.kernel
        ParallelFor.run(g.patchSize, minimumPerChunk: 8) { rows in
            for row in rows {
                let c = row / kk, ky = (row % kk) / g.kernel, kx = row % g.kernel
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
                        for ox in 0..<ow {
                            let ix = ox * g.stride - g.padding + kx
                            line[ox] = (ix >= 0 && ix < g.width) ? sourceLine[ix] : 0
                        }
                    }
                }
            }
        }
    }

    /// Adds every patch-matrix entry back to the input position it was read from (the adjoint of
    /// `unfold`); `output` (NCHW) is overwritten. Parallel over channels, so no two threads write
    /// the same element.
    public static func fold(_ columns: UnsafePointer<Float>, geometry g: ConvolutionGeometry, into output: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight, ow = g.outputWidth, plane = g.outputPlane
        let rowLength = g.batch * plane
        let kk = g.kernel * g.kernel
        let imagePlane = g.height * g.width
        ParallelFor.run(g.channels) { channelRange in
            for c in channelRange {
                for n in 0..<g.batch {
                    (output + (n * g.channels + c) * imagePlane).update(repeating: 0, count: imagePlane)
                }
                for k in 0..<kk {
                    let ky = k / g.kernel, kx = k % g.kernel
                    let rowBase = columns + (c * kk + k) * rowLength
                    for n in 0..<g.batch {
                        let target = output + (n * g.channels + c) * imagePlane
                        let source = rowBase + n * plane
                        for oy in 0..<oh {
                            let iy = oy * g.stride - g.padding + ky
                            if iy < 0 || iy >= g.height { continue }
                            let targetLine = target + iy * g.width
                            let sourceLine = source + oy * ow
                            for ox in 0..<ow {
                                let ix = ox * g.stride - g.padding + kx
                                if ix >= 0 && ix < g.width { targetLine[ix] += sourceLine[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
