/// How the bytes of one pixel are laid out in a `RasterImage`.
public enum PixelFormat: Int, Sendable, CaseIterable {
    /// One byte: grey level.
    case gray = 1
    /// Three bytes: red, green, blue.
    case rgb = 3
    /// Four bytes: red, green, blue, alpha (255 = opaque), not premultiplied.
    case rgba = 4

    /// Bytes per pixel.
    public var channels: Int { rawValue }
}

/// An 8-bit raster with interleaved channels, rows top to bottom, no row padding: the images the
/// Heatmap module draws and the PNG codec reads and writes.
public struct RasterImage: Equatable, Sendable {
    /// Size in pixels.
    public let width: Int
    public let height: Int
    /// Channels per pixel.
    public let format: PixelFormat
    /// `width × height × format.channels` bytes.
    public var pixels: [UInt8]

    /// An image over existing bytes.
    /// - Precondition: `pixels.count == width * height * format.channels`, sizes non-negative.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width) x \(height)")
        precondition(pixels.count == width * height * format.channels,
                     "\(pixels.count) bytes for a \(width) x \(height) \(format) image")
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// An image filled with one value per channel (e.g. `[255, 255, 255]` for white RGB).
    /// - Precondition: `fill.count == format.channels`.
    public init(width: Int, height: Int, format: PixelFormat, fill: [UInt8]) {
        precondition(fill.count == format.channels, "fill needs \(format.channels) values")
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * format.channels)
        for _ in 0..<(width * height) { pixels.append(contentsOf: fill) }
        self.init(width: width, height: height, format: format, pixels: pixels)
    }

    /// The channels of the pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
        get {
            let start = (y * width + x) * format.channels
            return pixels[start..<(start + format.channels)]
        }
        set {
            precondition(newValue.count == format.channels, "a pixel has \(format.channels) channels")
            let start = (y * width + x) * format.channels
            pixels.replaceSubrange(start..<(start + format.channels), with: newValue)
        }
    }
}
