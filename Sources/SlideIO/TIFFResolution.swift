import CTIFF

/// Microns per pixel from a TIFF's first directory: XResolution/YResolution with ResolutionUnit.
enum TIFFResolution {
    /// Values outside this range (µm/px) are taken for placeholders such as 72 dpi, not scans.
    static let plausibleRange = 0.01...100.0

    /// The level-0 resolution from `path`'s resolution tags, or `nil` when the file is not a TIFF,
    /// lacks the tags, gives no unit, or gives an implausible value.
    static func micronsPerPixel(path: String) -> MicronsPerPixel? {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let tiff = slidemil_tiff_open(path, "r", &errorBuffer) else { return nil }
        defer { TIFFClose(tiff) }
        var xResolution: Float = 0, yResolution: Float = 0, unit: UInt16 = 0
        guard slidemil_tiff_get_float(tiff, UInt32(TIFFTAG_XRESOLUTION), &xResolution) == 1,
              slidemil_tiff_get_float(tiff, UInt32(TIFFTAG_YRESOLUTION), &yResolution) == 1,
              slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_RESOLUTIONUNIT), &unit) == 1,
              xResolution > 0, yResolution > 0 else { return nil }
        let micronsPerUnit: Double
        switch Int32(unit) {
        case RESUNIT_CENTIMETER: micronsPerUnit = 10_000
        case RESUNIT_INCH: micronsPerUnit = 25_400
        default: return nil
        }
        let mpp = MicronsPerPixel(x: micronsPerUnit / Double(xResolution), y: micronsPerUnit / Double(yResolution))
        guard plausibleRange.contains(mpp.x), plausibleRange.contains(mpp.y) else { return nil }
        return mpp
    }
}
