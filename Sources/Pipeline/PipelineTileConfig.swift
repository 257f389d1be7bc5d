import TileStage
import Tiling

/// The library defaults each key starts from.
private let gridDefaults = TileGridParameters()
private let segmentationDefaults = TissueSegmentationParameters()

/// The `tile` section of a pipeline config: what `slidemil tile` is given on its command line.
///
/// Keys are the tile command's option names in camel case; options a YAML file cannot leave
/// unset (`--magnification`, `--mpp`, `--saturation-threshold`) use 0 or `otsu` for "not given".
public struct PipelineTileConfig: Codable, Equatable, Sendable {
    /// Tile resolution in µm/px (default 0.5, about 20×); ignored when `magnification` > 0.
    public var targetMpp = 0.5
    /// Tile resolution as objective magnification, read as 10/mag µm/px; 0 (default) = use `targetMpp`.
    public var magnification = 0.0
    /// Tile side in px at the target resolution (default 256).
    public var tileSize = gridDefaults.tileSize
    /// Overlap of neighbouring tiles in px at the target resolution (default 0).
    public var overlap = gridDefaults.overlap
    /// Minimum tissue fraction of a kept tile, 0...1 (default 0.5).
    public var tissueThreshold = gridDefaults.minTissueFraction
    /// Level-0 µm/px used for every slide instead of its metadata; 0 (default) = from the slide.
    public var mpp = 0.0
    /// Segmentation downsample wanted; the nearest level is used (default 64).
    public var segDownsample = segmentationDefaults.targetDownsample
    /// Longest side of the segmentation image in px (default 4096).
    public var segMaxSide = segmentationDefaults.maxSide
    /// Saturation threshold: `otsu` (default) or a fixed value 0...255.
    public var saturationThreshold = SaturationThreshold.otsu
    /// Median blur kernel in segmentation px, odd (default 7).
    public var median = segmentationDefaults.medianKernel
    /// Morphological closing kernel in segmentation px, 0 = off (default 4).
    public var close = segmentationDefaults.closingKernel
    /// Smallest tissue piece kept, µm² at level 0 (default 1,638,400).
    public var minTissueArea = segmentationDefaults.minTissueArea
    /// Holes smaller than this are filled, µm² at level 0 (default 262,144).
    public var minHoleArea = segmentationDefaults.minHoleArea

    /// The tile command's defaults.
    public init() {}

    /// `otsu`, or a fixed saturation threshold; written in YAML as the word or the number.
    public enum SaturationThreshold: Codable, Equatable, Sendable {
        case otsu
        case fixed(Int)

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int.self) {
                self = .fixed(value)
            } else if try container.decode(String.self) == "otsu" {
                self = .otsu
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 'otsu' or a number 0...255")
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .otsu: try container.encode("otsu")
            case let .fixed(value): try container.encode(value)
            }
        }
    }

    /// The `TileSettings` these values stand for.
    /// - Throws: `PipelineError.invalidSetting` for a threshold outside 0...255 or a non-positive
    ///   resolution, and the grid's or segmentation's own `TilingError` for other bad values.
    public func settings() throws -> TileSettings {
        var settings = TileSettings()
        if magnification > 0 {
            settings.grid.target = .magnification(magnification)
        } else {
            guard targetMpp > 0 else { throw PipelineError.invalidSetting(key: "tile.targetMpp", problem: "must be positive") }
            settings.grid.target = .micronsPerPixel(targetMpp)
        }
        settings.grid.tileSize = tileSize
        settings.grid.overlap = overlap
        settings.grid.minTissueFraction = tissueThreshold
        settings.segmentation.targetDownsample = segDownsample
        settings.segmentation.maxSide = segMaxSide
        if case let .fixed(value) = saturationThreshold {
            guard (0...255).contains(value) else {
                throw PipelineError.invalidSetting(key: "tile.saturationThreshold", problem: "must be otsu or in 0...255")
            }
            settings.segmentation.threshold = .fixed(UInt8(value))
        }
        settings.segmentation.medianKernel = median
        settings.segmentation.closingKernel = close
        settings.segmentation.minTissueArea = minTissueArea
        settings.segmentation.minHoleArea = minHoleArea
        settings.mppOverride = mpp > 0 ? mpp : nil
        try settings.validate()
        return settings
    }

    /// The `slidemil tile` options that differ from its defaults, in the order of its help.
    var commandOptions: [String] {
        let defaults = PipelineTileConfig()
        var options = ChangedOptions()
        if magnification > 0 { options.add("--magnification", "\(magnification)") } else { options.add(targetMpp, defaults.targetMpp, "--target-mpp") }
        options.add(tileSize, defaults.tileSize, "--tile-size")
        options.add(overlap, defaults.overlap, "--overlap")
        options.add(tissueThreshold, defaults.tissueThreshold, "--tissue-threshold")
        if mpp > 0 { options.add("--mpp", "\(mpp)") }
        options.add(segDownsample, defaults.segDownsample, "--seg-downsample")
        options.add(segMaxSide, defaults.segMaxSide, "--seg-max-side")
        if case let .fixed(value) = saturationThreshold { options.add("--saturation-threshold", "\(value)") }
        options.add(median, defaults.median, "--median")
        options.add(close, defaults.close, "--close")
        options.add(minTissueArea, defaults.minTissueArea, "--min-tissue-area")
        options.add(minHoleArea, defaults.minHoleArea, "--min-hole-area")
        return options.arguments
    }
}
