import CPNG
import Foundation
import Raster

/// Encodes and decodes 8-bit PNGs with libpng's simplified API (`png_image_*`), which reports
/// errors through return codes instead of `setjmp`/`longjmp`.
///
/// Encoding returns bytes rather than writing files: Heatmap sits below Store, so callers write
/// the bytes with `AtomicFile`.
public enum PNGCodec {
    /// Encodes `image` as an RGB PNG (8 bits per channel, default zlib compression).
    /// - Throws: `HeatmapError.pngEncodingFailed` (e.g. for an empty image).
    /// - Complexity: O(pixels); the output buffer is sized by a first, measuring pass.
    public static func encode(_ image: RGBImage) throws -> Data {
        guard image.width > 0, image.height > 0 else {
            throw HeatmapError.pngEncodingFailed(reason: "image is \(image.width) x \(image.height)")
        }
        var png = makeImage()
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        defer { png_image_free(&png) }
        let stride = Int32(image.width * 3)
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

    /// Decodes PNG bytes into 8-bit RGB, converting as libpng does (grey expands to RGB, alpha is
    /// composited over black, 16-bit input is reduced to 8 bits).
    /// - Parameter source: names the origin in errors (a path, or "memory").
    /// - Throws: `HeatmapError.pngDecodingFailed` for anything that is not a valid PNG.
    public static func decode(_ data: Data, source: String = "memory") throws -> RGBImage {
        var png = makeImage()
        defer { png_image_free(&png) }
        return try data.withUnsafeBytes { bytes in
            guard png_image_begin_read_from_memory(&png, bytes.baseAddress, bytes.count) != 0 else {
                throw HeatmapError.pngDecodingFailed(source: source, reason: message(of: png))
            }
            png.format = UInt32(PNG_FORMAT_RGB)
            let width = Int(png.width), height = Int(png.height)
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            guard png_image_finish_read(&png, nil, &pixels, Int32(width * 3), nil) != 0 else {
                throw HeatmapError.pngDecodingFailed(source: source, reason: message(of: png))
            }
            return RGBImage(width: width, height: height, pixels: pixels)
        }
    }

    /// Reads and decodes the PNG file at `url`.
    public static func decode(contentsOf url: URL) throws -> RGBImage {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HeatmapError.pngDecodingFailed(source: url.path, reason: "cannot read the file")
        }
        return try decode(data, source: url.path)
    }

    private static func makeImage() -> png_image {
        var png = png_image()
        png.version = slidemil_png_image_version()
        png.format = UInt32(PNG_FORMAT_RGB)
        return png
    }

    private static func message(of png: png_image) -> String {
        withUnsafeBytes(of: png.message) { raw in
            let text = String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            return text.isEmpty ? "libpng gave no reason" : text
        }
    }
}
