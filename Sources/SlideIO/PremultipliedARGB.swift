import Raster

/// OpenSlide's pixel format: 32-bit native-endian ARGB with colour premultiplied by alpha.
enum PremultipliedARGB {
    /// Un-premultiplies into RGB; fully transparent pixels (outside the slide, or gaps between
    /// scanned areas) become white, like glass under a microscope.
    static func rgbImage(_ argb: [UInt32], width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            argb.withUnsafeBufferPointer { source in
                for index in 0..<source.count {
                    let value = source[index]
                    let alpha = value >> 24
                    if alpha == 0 { continue }
                    var red = (value >> 16) & 0xFF, green = (value >> 8) & 0xFF, blue = value & 0xFF
                    if alpha != 255 {
                        red = min(255, (red * 255 + alpha / 2) / alpha)
                        green = min(255, (green * 255 + alpha / 2) / alpha)
                        blue = min(255, (blue * 255 + alpha / 2) / alpha)
                    }
                    out[index * 3] = UInt8(red)
                    out[index * 3 + 1] = UInt8(green)
                    out[index * 3 + 2] = UInt8(blue)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
