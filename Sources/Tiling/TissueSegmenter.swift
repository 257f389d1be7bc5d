import Foundation
import Raster
import SlideIO

/// Finds tissue on a slide: HSV saturation → median blur → threshold (Otsu or fixed) → closing →
/// removal of small pieces and filling of small holes.
public struct TissueSegmenter: Sendable {
    /// Saturation threshold used when Otsu has to fall back (CLAM's `sthresh`).
    public static let fallbackThreshold: UInt8 = 8

    public let parameters: TissueSegmentationParameters

    /// - Throws: `TilingError.invalidParameter` when `parameters` fail validation.
    public init(parameters: TissueSegmentationParameters = TissueSegmentationParameters()) throws {
        try parameters.validate()
        self.parameters = parameters
    }

    /// The level-0 px per segmentation px used for `slide`: the downsample of the level nearest
    /// `targetDownsample` (in log scale), raised so that the longer side fits `maxSide`.
    public func segmentationDownsample(for slide: Slide) -> (downsample: Double, raisedFrom: Double?) {
        let nearest = slide.levels.min { a, b in
            abs(log(a.downsample / parameters.targetDownsample)) < abs(log(b.downsample / parameters.targetDownsample))
        }?.downsample ?? 1
        let (width0, height0) = slide.dimensions
        let cap = Double(max(width0, height0)) / Double(parameters.maxSide)
        return cap > nearest ? (cap, nearest) : (nearest, nil)
    }

    /// Segments `slide`. The area limits use `micronsPerPixel`, else the slide's metadata, else
    /// its objective power (10/power µm/px), else `referenceMicronsPerPixel` with a warning.
    /// - Throws: `TilingError.emptySlide`, or errors of the slide's reads.
    public func segment(_ slide: Slide, micronsPerPixel: MicronsPerPixel? = nil) throws -> TissueSegmentation {
        let (downsample, raisedFrom) = segmentationDownsample(for: slide)
        let thumbnail = try SlideThumbnail(slide: slide, downsample: downsample)
        let result = segment(thumbnail: thumbnail.image, downsampleX: thumbnail.downsampleX, downsampleY: thumbnail.downsampleY,
                             micronsPerPixel: TargetResolution.level0MicronsPerPixel(slide: slide, override: micronsPerPixel))
        guard let raisedFrom else { return result }
        return TissueSegmentation(mask: result.mask, thumbnail: result.thumbnail, threshold: result.threshold,
                                  warnings: [.downsampleRaised(from: raisedFrom, to: downsample)] + result.warnings)
    }

    /// Segments an in-memory low-resolution image whose pixels each cover `downsampleX` x
    /// `downsampleY` level-0 px of a slide with `micronsPerPixel` at level 0 (nil when unknown).
    /// O(pixels × (median + closing kernel)).
    public func segment(thumbnail: RGBImage, downsampleX: Double, downsampleY: Double, micronsPerPixel: Double?) -> TissueSegmentation {
        var warnings: [TissueWarning] = []
        let saturation = GrayImage(saturationOf: thumbnail)
        let threshold: UInt8
        switch parameters.threshold {
        case let .fixed(value):
            threshold = value
        case .otsu:
            // Otsu needs only the histogram of the blurred saturation; every fourth row of a
            // large image (over a million samples) is plenty and quarters the cost of the median.
            let rowStep = saturation.width * saturation.height > 1 << 22 ? 4 : 1
            let otsu = OtsuThreshold.threshold(histogram: saturation.medianBlurredHistogram(kernel: parameters.medianKernel, rowStep: rowStep))
            if let otsu, otsu >= parameters.otsuFloor {
                threshold = otsu
            } else {
                threshold = Self.fallbackThreshold
                warnings.append(.otsuFallback(otsu: otsu, used: threshold))
            }
        }
        var mask = saturation.medianBlurredMask(kernel: parameters.medianKernel, above: threshold)
        if parameters.closingKernel > 1 { mask = mask.closed(kernel: parameters.closingKernel) }

        let mpp: Double
        if let micronsPerPixel, micronsPerPixel > 0 {
            mpp = micronsPerPixel
        } else {
            mpp = parameters.referenceMicronsPerPixel
            warnings.append(.areasAtReferenceResolution(micronsPerPixel: mpp))
        }
        let squareMicronsPerPixel = downsampleX * downsampleY * mpp * mpp
        if mask.setCount == 0 {
            warnings.append(.noTissue)
        } else {
            let cleaned = mask.removingSmallComponents(
                minTissuePixels: Int((parameters.minTissueArea / squareMicronsPerPixel).rounded(.up)),
                minHolePixels: Int((parameters.minHoleArea / squareMicronsPerPixel).rounded(.up)))
            mask = cleaned.mask
            if let relaxed = cleaned.relaxedLimit {
                warnings.append(.minimumAreaRelaxed(usedSquareMicrons: Double(relaxed) * squareMicronsPerPixel))
            }
        }
        return TissueSegmentation(mask: TissueMask(mask: mask, downsampleX: downsampleX, downsampleY: downsampleY),
                                  thumbnail: thumbnail, threshold: threshold, warnings: warnings)
    }
}
