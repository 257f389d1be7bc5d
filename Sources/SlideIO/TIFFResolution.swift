import CTIFF

/// Microns per pixel from a TIFF's resolution tags (XResolution/YResolution with ResolutionUnit).
///
/// Level 0 is the largest tiled image wherever it stands in the file: writers may put the pyramid
/// smallest level first, and reading the first directory would then report the smallest level's
/// resolution (16 times too coarse for a three-level pyramid). The other levels' tags are checked
/// against their downsample, and a disagreement becomes a warning.
public enum TIFFResolution {
    /// Values outside this range (µm/px) are taken for placeholders such as 72 dpi, not scans.
    public static let plausibleRange = 0.01...100.0
    /// Relative difference between a level's tags and level 0's scaled by the downsample above
    /// which the tags are reported as inconsistent.
    public static let consistencyTolerance = 0.05

    /// What the tags of a pyramid say about level 0.
    public struct Level0: Sendable, Equatable {
        /// Level-0 µm/px, `nil` when no directory gives usable tags.
        public let micronsPerPixel: MicronsPerPixel?
        /// The directory taken for level 0.
        public let directory: Int?
        /// Levels whose tags disagree with level 0 and their downsample, one line each.
        public let warnings: [String]
    }

    /// Level 0's resolution in `structure`: the tags of the largest tiled directory (the largest
    /// directory of any kind when none is tiled). When level 0 has no usable tags, another pyramid
    /// level's tags scaled by its downsample are used, with a warning.
    public static func level0(of structure: TIFFStructure) -> Level0 {
        let tiled = structure.directories.filter(\.isTiled)
        let candidates = tiled.isEmpty ? structure.directories : tiled
        guard let base = candidates.max(by: { $0.width * $0.height < $1.width * $1.height }) else {
            return Level0(micronsPerPixel: nil, directory: nil, warnings: [])
        }
        // Pyramid levels: the other candidates with the same aspect ratio (within rounding).
        let levels = candidates.filter { level in
            let (dx, dy) = (Double(base.width) / Double(level.width), Double(base.height) / Double(level.height))
            return level.index != base.index && abs(dx - dy) <= 0.05 * dx
        }
        var warnings: [String] = []
        var mpp = base.micronsPerPixel
        if mpp == nil, let other = levels.first(where: { $0.micronsPerPixel != nil }), let tags = other.micronsPerPixel {
            let (dx, dy) = (Double(base.width) / Double(other.width), Double(base.height) / Double(other.height))
            mpp = MicronsPerPixel(x: tags.x / dx, y: tags.y / dy)
            warnings.append("level 0 (TIFF directory \(base.index)) has no resolution tags; "
                + String(format: "%.4g µm/px derived from directory %d's tags and its downsample %.4g", mpp!.x, other.index, dx))
        }
        guard let level0 = mpp else { return Level0(micronsPerPixel: nil, directory: base.index, warnings: []) }
        for level in levels {
            guard let tags = level.micronsPerPixel else { continue }
            let downsample = Double(base.width) / Double(level.width)
            let expected = level0.x * downsample
            if abs(tags.x / expected - 1) > consistencyTolerance {
                warnings.append(String(
                    format: "TIFF directory %d (%d x %d px, downsample %.4g) has resolution tags of %.4g µm/px where level 0 "
                        + "(directory %d, %.4g µm/px) implies %.4g; level 0's value is used",
                    level.index, level.width, level.height, downsample, tags.x, base.index, level0.x, expected))
            }
        }
        return Level0(micronsPerPixel: level0, directory: base.index, warnings: warnings)
    }

    /// The resolution tags of the current directory of `tiff`, or `nil` when they are missing,
    /// give no unit, or give an implausible value.
    static func tags(of tiff: OpaquePointer) -> MicronsPerPixel? {
        var xResolution: Float = 0, yResolution: Float = 0, unit: UInt16 = 0
        guard slidemil_tiff_get_float(tiff, UInt32(TIFFTAG_XRESOLUTION), &xResolution) == 1,
              slidemil_tiff_get_float(tiff, UInt32(TIFFTAG_YRESOLUTION), &yResolution) == 1,
              slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_RESOLUTIONUNIT), &unit) == 1,
              xResolution > 0, yResolution > 0, xResolution.isFinite, yResolution.isFinite else { return nil }
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
