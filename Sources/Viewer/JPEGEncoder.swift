import CTurboJPEG
import Foundation
import Raster
import SlideIO

/// Encodes RGB images as baseline JPEG with libjpeg-turbo (4:2:0 chroma, what slide scanners store).
enum JPEGEncoder {
    /// The JPEG bytes of `image` at `quality` (1-100).
    /// - Throws: `ViewerError.encodingFailed` with libjpeg-turbo's message.
    static func encode(_ image: RGBImage, quality: Int = 85) throws -> Data {
        guard let handle = tjInitCompress() else { throw ViewerError.encodingFailed(reason: "tjInitCompress failed") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), Int32(image.width * 3), Int32(image.height),
                        Int32(TJPF_RGB.rawValue), &buffer, &size, Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        }
        defer { if let buffer { tjFree(buffer) } }
        guard status == 0, let buffer else {
            throw ViewerError.encodingFailed(reason: String(cString: tjGetErrorStr2(handle)))
        }
        return Data(bytes: buffer, count: Int(size))
    }
}
