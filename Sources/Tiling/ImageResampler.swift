import SlideIO

/// Resizes RGB images: area averaging when shrinking, bilinear when enlarging, separably per
/// axis (see `ResamplingAxis`). Values are rounded to the nearest byte.
public enum ImageResampler {
    /// `image` resized to `width` x `height`. Same size returns the image unchanged.
    /// O(output pixels * taps per axis), two passes.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if image.width == width && image.height == height { return image }
        let columns = ResamplingAxis(sourceCount: image.width, outputCount: width)
        let rows = ResamplingAxis(sourceCount: image.height, outputCount: height)
        var out = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
        resample(image, originX: 0, originY: 0, columns: columns, rows: rows,
                 outputColumns: 0..<width, outputRows: 0..<height, into: &out)
        return out
    }

    /// Writes outputs `outputColumns` x `outputRows` of a resize into `output`, reading from
    /// `region`, a piece of the source whose top-left pixel is source (`originX`, `originY`) and
    /// which covers every tap those outputs use. Lets huge sources be resized block by block.
    static func resample(_ region: RGBImage, originX: Int, originY: Int, columns: ResamplingAxis, rows: ResamplingAxis,
                         outputColumns: Range<Int>, outputRows: Range<Int>, into output: inout RGBImage) {
        let outWidth = output.width
        // Horizontal pass over the region's rows into floats, then vertical pass.
        var horizontal = [Float](repeating: 0, count: region.height * outputColumns.count * 3)
        let stride = outputColumns.count * 3
        region.pixels.withUnsafeBufferPointer { src in
            for y in 0..<region.height {
                let rowBase = y * region.width * 3
                for (j, ox) in outputColumns.enumerated() {
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    for tap in columns.firstTap[ox]..<columns.firstTap[ox + 1] {
                        let offset = rowBase + (columns.sources[tap] - originX) * 3
                        let weight = columns.weights[tap]
                        r += weight * Float(src[offset])
                        g += weight * Float(src[offset + 1])
                        b += weight * Float(src[offset + 2])
                    }
                    horizontal[y * stride + j * 3] = r
                    horizontal[y * stride + j * 3 + 1] = g
                    horizontal[y * stride + j * 3 + 2] = b
                }
            }
        }
        output.pixels.withUnsafeMutableBufferPointer { dst in
            for oy in outputRows {
                let tapRange = rows.firstTap[oy]..<rows.firstTap[oy + 1]
                for j in 0..<outputColumns.count {
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    for tap in tapRange {
                        let offset = (rows.sources[tap] - originY) * stride + j * 3
                        let weight = rows.weights[tap]
                        r += weight * horizontal[offset]
                        g += weight * horizontal[offset + 1]
                        b += weight * horizontal[offset + 2]
                    }
                    let target = (oy * outWidth + outputColumns.lowerBound + j) * 3
                    dst[target] = UInt8(min(max(r + 0.5, 0), 255))
                    dst[target + 1] = UInt8(min(max(g + 0.5, 0), 255))
                    dst[target + 2] = UInt8(min(max(b + 0.5, 0), 255))
                }
            }
        }
    }
}
