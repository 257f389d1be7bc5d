import Raster
import SlideIO

/// The result of segmenting one slide: the mask, the image it was computed on, and what adapted.
public struct TissueSegmentation: Sendable {
    /// Tissue bitmap and its mapping to level 0.
    public let mask: TissueMask
    /// The low-resolution RGB image the mask was computed on (same size as the mask), for QC pictures.
    public let thumbnail: RGBImage
    /// The saturation threshold applied (pixels above it are tissue).
    public let threshold: UInt8
    /// Fallbacks taken and problems found, in the order they happened; empty on a clean run.
    public let warnings: [TissueWarning]
}
