import CPNG
import Foundation

/// Encodes and decodes 8-bit PNGs with libpng's simplified API (`png_image_*`), which reports
/// errors through return codes instead of `setjmp`/`longjmp`.
///
/// Encoding returns bytes rather than writing files: Heatmap sits below Store, so callers write
/// the bytes with `AtomicFile`.
public enum PNGCodec {
    /// Encodes `image` as a PNG (8 bits per channel, default zlib compression).
    /// - Throws: `HeatmapError.pngEncodingFailed` (e.g. for an empty image).
    /// - Complexity: O(pixels); the output buffer is sized by a first, measuring pass.
    public static func encode(_ image: RasterImage) throws -> Data {
        guard image.width > 0, image.height > 0 else {
            throw HeatmapError.pngEncodingFailed(reason: "image is \(image.width) x \(image.height)")
        }
        var png = makeImage(format: image.format)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        defer { png_image_free(&png) }
        let stride = Int32(image.width * image.format.channels)
        return try image.pixels.withUnsafeBytes { pixels in
            // First pass with no buffer: libpng reports the size it needs.
            var size = 0
            guard png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, stride, nil) != 0 else {
                throw HeatmapError.pngEncodingFailed(reason: message(of: png))
            }
            var output = Data(count: size)
            let written = output.withUnsafeMutableBytes { buffer in
                png_image_write_to_memory(&png, buffer.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
            }
            guard written != 0 else { throw HeatmapError.pngEncodingFailed(reason: message(of: png)) }
            return output.prefix(size)
        }
    }

    /// Decodes PNG bytes into `format`, converting as libpng does (grey expands to RGB, alpha is
    /// composited over black when dropped, 16-bit input is reduced to 8 bits).
    /// - Parameter source: names the origin in errors (a path, or "memory").
    /// - Throws: `HeatmapError.pngDecodingFailed` for anything that is not a valid PNG.
    public static func decode(_ data: Data, as format: PixelFormat = .rgb, source: String = "memory") throws -> RasterImage {
        var png = makeImage(format: format)
        defer { png_image_free(&png) }
        return try data.withUnsafeBytes { bytes in
            guard png_image_begin_read_from_memory(&png, bytes.baseAddress, bytes.count) != 0 else {
                throw HeatmapError.pngDecodingFailed(source: source, reason: message(of: png))
            }
            png.format = formatFlags(format)
            let width = Int(png.width), height = Int(png.height)
            var pixels = [UInt8](repeating: 0, count: width * height * format.channels)
            guard png_image_finish_read(&png, nil, &pixels, Int32(width * format.channels), nil) != 0 else {
                throw HeatmapError.pngDecodingFailed(source: source, reason: message(of: png))
            }
            return RasterImage(width: width, height: height, format: format, pixels: pixels)
        }
    }

    /// Reads and decodes the PNG file at `url`.
    public static func decode(contentsOf url: URL, as format: PixelFormat = .rgb) throws -> RasterImage {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HeatmapError.pngDecodingFailed(source: url.path, reason: "cannot read the file")
        }
        return try decode(data, as: format, source: url.path)
    }

    private static func makeImage(format: PixelFormat) -> png_image {
        var png = png_image()
        png.version = slidemil_png_image_version()
        png.format = formatFlags(format)
        return png
    }

    private static func formatFlags(_ format: PixelFormat) -> UInt32 {
        switch format {
        case .gray: return UInt32(PNG_FORMAT_GRAY)
        case .rgb: return UInt32(PNG_FORMAT_RGB)
        case .rgba: return UInt32(PNG_FORMAT_RGB) | UInt32(PNG_FORMAT_FLAG_ALPHA) // PNG_FORMAT_RGBA is a compound macro
        }
    }

    private static func message(of png: png_image) -> String {
        withUnsafeBytes(of: png.message) { raw in
            let text = String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            return text.isEmpty ? "libpng gave no reason" : text
        }
    }
}
