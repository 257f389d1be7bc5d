/// Resizes RGB images, separably per axis, with the filter `ResamplingAxis` describes:
///
/// - shrinking an axis is a box filter with fractional coverage (area averaging): output pixel
///   `i` is the mean of source interval `[i * s, (i + 1) * s)`, `s = source size / output size`,
///   each source pixel weighted by the length of its part inside that interval. Applied to both
///   axes, an output pixel is the area-weighted mean of the source rectangle it covers, also for
///   non-integer factors;
/// - enlarging an axis interpolates bilinearly between pixel centres, edges clamped;
/// - an axis that keeps its size is copied.
///
/// Sums are in `Float`; each channel is rounded to the nearest byte (halves up).
public enum ImageResampler {
    /// `image` resized to `width` x `height`. Same size returns the image unchanged.
    /// - Precondition: `width` and `height` are positive and `image` is not empty.
    /// - Complexity: O(output pixels × taps per axis), two passes.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if image.width == width && image.height == height { return image }
        let columns = ResamplingAxis(sourceCount: image.width, outputCount: width)
        let rows = ResamplingAxis(sourceCount: image.height, outputCount: height)
        var out = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
        resample(image, originY: 0, columns: columns, rows: rows, outputRows: 0..<height, into: &out)
        return out
    }

    /// A `sourceWidth` x `sourceHeight` source resized to `width` x `height` without holding the
    /// source whole: `readRows(first, count)` returns source rows `first ..< first + count` at
    /// full width, and is asked for bands of about `bandRows` rows, top to bottom. The result is
    /// the same as `resize` of the whole source; a source row that two bands need (the one an
    /// output row boundary cuts) is read by both.
    /// - Precondition: all sizes are positive.
    /// - Throws: whatever `readRows` throws.
    public static func resize(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int, bandRows: Int,
                              readRows: (_ first: Int, _ count: Int) throws -> RGBImage) rethrows -> RGBImage {
        let columns = ResamplingAxis(sourceCount: sourceWidth, outputCount: width)
        let rows = ResamplingAxis(sourceCount: sourceHeight, outputCount: height)
        var out = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
        var first = 0
        while first < height {
            // Grow the run of output rows while its source span fits the band (one row at least).
            var end = first + 1
            while end < height, rows.sourceSpan(of: first..<(end + 1)).count <= max(1, bandRows) { end += 1 }
            let span = rows.sourceSpan(of: first..<end)
            let band = try readRows(span.lowerBound, span.count)
            precondition(band.width == sourceWidth && band.height == span.count,
                         "asked for \(sourceWidth) x \(span.count) source rows, got \(band.width) x \(band.height)")
            resample(band, originY: span.lowerBound, columns: columns, rows: rows, outputRows: first..<end, into: &out)
            first = end
        }
        return out
    }

    /// Writes output rows `outputRows` of a resize into `output`, reading from `region`: whole
    /// source rows starting at source row `originY`, covering every tap those rows use.
    private static func resample(_ region: RGBImage, originY: Int, columns: ResamplingAxis, rows: ResamplingAxis,
                                 outputRows: Range<Int>, into output: inout RGBImage) {
        let outWidth = output.width
        // Horizontal pass over the region's rows into floats, then vertical pass.
        let stride = outWidth * 3
        var horizontal = [Float](repeating: 0, count: region.height * stride)
        region.pixels.withUnsafeBufferPointer { src in
            for y in 0..<region.height {
                let rowBase = y * region.width * 3
                for ox in 0..<outWidth {
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    for tap in columns.firstTap[ox]..<columns.firstTap[ox + 1] {
                        let offset = rowBase + columns.sources[tap] * 3
                        let weight = columns.weights[tap]
                        r += weight * Float(src[offset])
                        g += weight * Float(src[offset + 1])
                        b += weight * Float(src[offset + 2])
                    }
                    horizontal[y * stride + ox * 3] = r
                    horizontal[y * stride + ox * 3 + 1] = g
                    horizontal[y * stride + ox * 3 + 2] = b
                }
            }
        }
        output.pixels.withUnsafeMutableBufferPointer { dst in
            for oy in outputRows {
                let tapRange = rows.firstTap[oy]..<rows.firstTap[oy + 1]
                for ox in 0..<outWidth {
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    for tap in tapRange {
                        let offset = (rows.sources[tap] - originY) * stride + ox * 3
                        let weight = rows.weights[tap]
                        r += weight * horizontal[offset]
                        g += weight * horizontal[offset + 1]
                        b += weight * horizontal[offset + 2]
                    }
                    let target = (oy * outWidth + ox) * 3
                    dst[target] = UInt8(min(max(r + 0.5, 0), 255))
                    dst[target + 1] = UInt8(min(max(g + 0.5, 0), 255))
                    dst[target + 2] = UInt8(min(max(b + 0.5, 0), 255))
                }
            }
        }
    }
}
