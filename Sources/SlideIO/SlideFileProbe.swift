import CTIFF
import Foundation

/// Checks a path before a backend sees it and, when no backend takes the file, says what it is.
enum SlideFileProbe {
    /// Throws the typed error for a missing, unreadable, non-regular or empty file.
    static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SlideError.fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw SlideError.notAFile(path: path) }
        guard access(path, R_OK) == 0 else { throw SlideError.permissionDenied(path: path) }
        // stat follows symbolic links: an empty file reached through a link is empty too.
        var status = stat()
        if stat(path, &status) == 0, status.st_size == 0 { throw SlideError.emptyFile(path: path) }
    }

    /// The error for a file OpenSlide does not recognise: what its first bytes say it is, and
    /// what to do about it.
    static func unsupportedFormatError(_ path: String) -> SlideError {
        let head = firstBytes(of: path, count: 16)
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A])
            || head.starts(with: [0x49, 0x49, 0x2B, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2B]) {
            return tiffError(path)
        }
        let advice = "SlideMIL reads OpenSlide formats (SVS, NDPI, MRXS, tiled pyramidal TIFF, ...)"
        if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            return .unsupportedFormat(path: path, found: "a plain JPEG image", advice: "convert it with vips tiffsave --tile --pyramid --compression jpeg")
        }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return .unsupportedFormat(path: path, found: "a plain PNG image", advice: "convert it with vips tiffsave --tile --pyramid --compression jpeg")
        }
        if !head.isEmpty && head.allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) }) {
            return .unsupportedFormat(path: path, found: "text, not an image", advice: advice)
        }
        return .unsupportedFormat(path: path, found: "unrecognised binary data", advice: advice)
    }

    private static func tiffError(_ path: String) -> SlideError {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let tiff = slidemil_tiff_open(path, "r", &errorBuffer) else {
            let reason = String(cString: errorBuffer)
            return .corrupt(path: path, reason: "a TIFF that libtiff cannot read (truncated or damaged?)" + (reason.isEmpty ? "" : ": \(reason)"))
        }
        defer { TIFFClose(tiff) }
        if TIFFIsTiled(tiff) == 0 {
            return .unsupportedFormat(
                path: path, found: "a TIFF stored in strips, not tiles",
                advice: "not a tiled pyramidal TIFF: convert it with vips tiffsave --tile --pyramid --compression jpeg")
        }
        var compression: UInt16 = 1, photometric: UInt16 = 0
        _ = slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_COMPRESSION), &compression)
        _ = slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), &photometric)
        return .unsupportedFormat(
            path: path,
            found: "a tiled TIFF OpenSlide does not accept (compression \(compression), photometric interpretation \(photometric))",
            advice: "convert it with vips tiffsave --tile --pyramid --compression jpeg")
    }

    private static func firstBytes(of path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }
}
