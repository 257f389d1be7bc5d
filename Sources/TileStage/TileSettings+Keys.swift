import RunSupport
import Tiling

extension TileSettings {
    public static let section = "tile"

    /// Every setting of `slidemil tile` and the pipeline's `tile` section, with its range.
    public static var keys: [SettingKey<TileSettings>] {
        [
            SettingKey("targetMpp", "Tile resolution in µm/px (0.5 is about 20x).", range: SettingRange(0.01, 100),
                       get: { if case let .micronsPerPixel(mpp) = $0.grid.target { mpp } else { defaultTargetMpp } },
                       set: { $0.grid.target = .micronsPerPixel($1) }),
            SettingKey("magnification", "Tile resolution as objective magnification, read as 10/mag µm/px (e.g. 20); instead of --target-mpp (0 = not given).",
                       range: SettingRange(0.1, 1000), unset: 0.0,
                       get: { if case let .magnification(power) = $0.grid.target { power } else { 0 } },
                       set: { if $1 != 0 { $0.grid.target = .magnification($1) } }),
            SettingKey("tileSize", \.grid.tileSize, "Tile side in px at the target resolution.", range: SettingRange(8, 16384)),
            SettingKey("overlap", \.grid.overlap, "Overlap of neighbouring tiles in px at the target resolution."),
            SettingKey("tissueThreshold", \.grid.minTissueFraction, "Minimum tissue fraction of a kept tile, 0...1.", range: .unitInterval),
            SettingKey("mpp", "Level-0 µm/px for slides whose metadata lacks or misstates it (a CSV 'mpp' column wins; 0 = from the slide).",
                       range: SlideEntry.mppRange, unset: 0.0, get: { $0.mppOverride ?? 0 }, set: { $0.mppOverride = $1 == 0 ? nil : $1 }),
            SettingKey("segDownsample", \.segmentation.targetDownsample, "Segmentation downsample wanted; the nearest level is used.",
                       range: SettingRange(1, 4096)),
            SettingKey("segMaxSide", \.segmentation.maxSide, "Longest side of the segmentation image in px.", range: SettingRange(16, 65_536)),
            SettingKey("saturationThreshold", "Saturation threshold: otsu or a fixed value 0...255.", range: SettingRange(0, 255),
                       get: { SaturationThreshold($0.segmentation.threshold) }, set: { $0.segmentation.threshold = $1.threshold }),
            SettingKey("median", \.segmentation.medianKernel, "Median blur kernel in segmentation px (odd).", range: SettingRange(1, 101)),
            SettingKey("close", \.segmentation.closingKernel, "Morphological closing kernel in segmentation px (0 = off).", range: SettingRange(0, 101)),
            SettingKey("minTissueArea", \.segmentation.minTissueArea, "Smallest tissue piece kept, µm² at level 0 (100 × (512 px × 0.25 µm)²).",
                       range: SettingRange(0, 1e12)),
            SettingKey("minHoleArea", \.segmentation.minHoleArea, "Holes smaller than this are filled, µm² at level 0 (16 × (512 px × 0.25 µm)²).",
                       range: SettingRange(0, 1e12)),
            SettingKey("exportTiles", \.exportTiles, "Also write every kept tile as a PNG under tiles/<id>/."),
            SettingKey("verifyTiles", \.verifyTiles, "Read every kept tile without writing it, to find unreadable tiles now (implied by --export-tiles)."),
            SettingKey("readers", \.readers, "Reader threads for tile export and verification.", range: SettingRange(1, 256)),
            SettingKey("skipBadTiles", "When exporting or verifying, skip unreadable tiles instead of failing the slide.",
                       get: { $0.badTilePolicy == .skip }, set: { $0.badTilePolicy = $1 ? .skip : .stop }),
        ] + SlideReadingSettings.keys(\.reading)
    }

    private static let defaultTargetMpp: Double = {
        if case let .micronsPerPixel(mpp) = TileGridParameters().target { return mpp }
        return 0.5
    }()

    /// `otsu`, or a fixed saturation threshold; written in YAML and on the command line as the
    /// word or the number.
    public enum SaturationThreshold: SettingValue {
        case otsu
        case fixed(Int)

        init(_ threshold: TissueSegmentationParameters.Threshold) {
            switch threshold {
            case .otsu: self = .otsu
            case let .fixed(value): self = .fixed(Int(value))
            }
        }

        /// The segmentation's threshold (reading rejects values outside 0...255).
        var threshold: TissueSegmentationParameters.Threshold {
            switch self {
            case .otsu: return .otsu
            case let .fixed(value): return .fixed(UInt8(clamping: value))
            }
        }

        public init?(commandLineText: String) {
            if commandLineText == "otsu" {
                self = .otsu
            } else if let value = Int(commandLineText), (0...255).contains(value) {
                self = .fixed(value)
            } else {
                return nil
            }
        }

        public var commandLineText: String {
            switch self {
            case .otsu: return "otsu"
            case let .fixed(value): return "\(value)"
            }
        }

        public var rangeValues: [Double] {
            if case let .fixed(value) = self { return [Double(value)] }
            return []
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int.self), (0...255).contains(value) {
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
}
