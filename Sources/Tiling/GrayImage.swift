import Raster
import SlideIO

/// An 8-bit single-channel raster, rows top to bottom.
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` bytes.
    public var pixels: [UInt8]

    /// An image over existing bytes.
    /// - Precondition: `pixels.count == width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "\(pixels.count) bytes for a \(width) x \(height) gray image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The HSV saturation of every pixel, on OpenCV's 8-bit scale:
    /// `255 * (max - min) / max`, rounded, and 0 for black. White and gray background score 0,
    /// stained tissue high, which is why tissue detection thresholds this channel.
    public init(saturationOf image: RGBImage) {
        var out = [UInt8](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { src in
            for index in 0..<out.count {
                let r = Int(src[3 * index]), g = Int(src[3 * index + 1]), b = Int(src[3 * index + 2])
                let high = max(r, g, b)
                guard high > 0 else { continue }
                let low = min(r, g, b)
                out[index] = UInt8((255 * (high - low) + high / 2) / high)
            }
        }
        self.init(width: image.width, height: image.height, pixels: out)
    }

    /// The pixels strictly above `threshold` as tissue (OpenCV's THRESH_BINARY semantics).
    public func mask(above threshold: UInt8) -> BinaryMask {
        BinaryMask(width: width, height: height, bits: pixels.map { $0 > threshold ? 1 : 0 })
    }

    /// A 256-bin histogram of the pixel values.
    public var histogram: [Int] {
        var counts = [Int](repeating: 0, count: 256)
        for value in pixels { counts[Int(value)] += 1 }
        return counts
    }
}
