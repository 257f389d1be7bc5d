/// How tissue is told from background on a low-resolution image of a slide.
///
/// Defaults follow CLAM's H&E preset (saturation, median 7, closing 4, min tissue 100 and min
/// hole 16 reference patches of 512² px at 0.25 µm/px) except that Otsu picks the threshold, which
/// adapts to pale stains.
public struct TissueSegmentationParameters: Codable, Equatable, Sendable {
    /// How the saturation threshold is chosen.
    public enum Threshold: Codable, Equatable, Sendable {
        /// Otsu's threshold on the blurred saturation histogram (falls back to `fixed(8)` with a
        /// warning when the histogram has nothing to split or Otsu lands below `otsuFloor`).
        case otsu
        /// Pixels with saturation strictly above the value (0...255) are tissue.
        case fixed(UInt8)
    }

    /// Level-0 px per segmentation px wanted; the nearest pyramid level is used (default 64).
    public var targetDownsample: Double = 64
    /// Longest side of the segmentation image in px (default 4096); larger levels are
    /// area-averaged down to it, so huge or single-level slides never exhaust memory.
    public var maxSide: Int = 4096
    /// Saturation threshold rule (default Otsu).
    public var threshold: Threshold = .otsu
    /// Otsu thresholds below this are read as splitting background noise (default 4).
    public var otsuFloor: UInt8 = 4
    /// Median blur kernel in segmentation px, odd (default 7; 1 disables).
    public var medianKernel: Int = 7
    /// Closing kernel (square side) in segmentation px (default 4; 0 or 1 disables).
    public var closingKernel: Int = 4
    /// Smallest tissue piece kept, in µm² at level 0 (default 1,638,400 µm² = 100 × (512 px × 0.25 µm)²).
    /// Without a known mpp the area is converted at `referenceMicronsPerPixel`.
    public var minTissueArea: Double = 100 * 128 * 128
    /// Holes smaller than this, in µm² at level 0, are filled (default 262,144 µm² = 16 reference patches).
    public var minHoleArea: Double = 16 * 128 * 128
    /// µm per level-0 px assumed for the area limits when the slide's mpp is unknown (0.25, a 40×
    /// scan, which makes the defaults CLAM's level-0 px² limits exactly).
    public var referenceMicronsPerPixel: Double = 0.25

    /// CLAM's defaults with Otsu thresholding.
    public init() {}

    /// Throws `TilingError.invalidParameter` for values no segmentation can use.
    public func validate() throws {
        if !(targetDownsample >= 1) {
            throw TilingError.invalidParameter(name: "segmentation downsample", value: "\(targetDownsample)", reason: "must be at least 1")
        }
        if maxSide < 16 {
            throw TilingError.invalidParameter(name: "segmentation max side", value: "\(maxSide)", reason: "must be at least 16 px")
        }
        if medianKernel < 1 || medianKernel % 2 == 0 {
            throw TilingError.invalidParameter(name: "median kernel", value: "\(medianKernel)", reason: "must be odd and positive")
        }
        if closingKernel < 0 {
            throw TilingError.invalidParameter(name: "closing kernel", value: "\(closingKernel)", reason: "must not be negative")
        }
        if minTissueArea < 0 || minHoleArea < 0 || !minTissueArea.isFinite || !minHoleArea.isFinite {
            throw TilingError.invalidParameter(name: "area limit", value: "\(minTissueArea), \(minHoleArea)", reason: "must be finite and not negative")
        }
        if !(referenceMicronsPerPixel > 0) {
            throw TilingError.invalidParameter(name: "reference mpp", value: "\(referenceMicronsPerPixel)", reason: "must be positive")
        }
    }
}
