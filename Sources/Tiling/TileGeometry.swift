import Raster
import SlideIO

/// How one tile is read from a given slide: level, size read, size delivered, level-0 footprint.
public struct TileGeometry: Equatable, Sendable {
    /// Pyramid level read from.
    public let level: Int
    /// Downsample of that level.
    public let levelDownsample: Double
    /// Side read at `level`, in px of that level.
    public let readSize: Int
    /// Side of the delivered tile in px: the grid's tile size when tiling, the CNN input size
    /// when a patch file's tiles are fed to a CNN (`init(level:levelDownsample:readSize:outputSize:)`).
    public let outputSize: Int
    /// Side of the tile at level 0, in px: `readSize × levelDownsample`, rounded.
    public let footprint: Int
    /// Level-0 px between neighbouring tile origins.
    public let stride: Int
    /// Level-0 px per target px wanted (target mpp / slide mpp).
    public let level0PixelsPerTargetPixel: Double

    /// Whether tiles are resized after reading (area averaging when shrinking, bilinear when enlarging).
    public var isResized: Bool { readSize != outputSize }

    /// Picks the level and read size for `parameters` on `slide`.
    ///
    /// The ideal footprint is `tileSize × target mpp / slide mpp` level-0 px. A level whose
    /// downsample is within `levelTolerance` of `footprint / tileSize` is read at `tileSize`
    /// directly (the nearest such level); otherwise the level with the largest downsample not
    /// above it is read at `round(footprint / downsample)` px and resized to `tileSize`.
    /// - Throws: `TilingError.unknownResolution`, `TilingError.invalidParameter`.
    public init(slide: Slide, parameters: TileGridParameters, micronsPerPixel override: MicronsPerPixel? = nil) throws {
        try parameters.validate()
        let ratio = try parameters.target.level0PixelsPerTargetPixel(slide: slide, override: override)
        try self.init(levels: slide.levels, level0PixelsPerTargetPixel: ratio, parameters: parameters)
    }

    /// The same choice from a pyramid description and a known level-0 px per target px.
    public init(levels: [SlideLevel], level0PixelsPerTargetPixel ratio: Double, parameters: TileGridParameters) throws {
        try parameters.validate()
        precondition(!levels.isEmpty, "a slide has at least one level")
        guard ratio > 0, ratio.isFinite else {
            throw TilingError.invalidParameter(name: "level-0 px per target px", value: "\(ratio)", reason: "must be positive")
        }
        let matching = levels.indices
            .filter { abs(ratio / levels[$0].downsample - 1) <= parameters.levelTolerance }
            .min { abs(ratio / levels[$0].downsample - 1) < abs(ratio / levels[$1].downsample - 1) }
        let chosen: Int
        let readSize: Int
        if let matching {
            chosen = matching
            readSize = parameters.tileSize
        } else {
            chosen = levels.indices
                .filter { levels[$0].downsample <= ratio }
                .max { levels[$0].downsample < levels[$1].downsample } ?? 0
            readSize = max(1, Int((Double(parameters.tileSize) * ratio / levels[chosen].downsample).rounded()))
        }
        let downsample = levels[chosen].downsample
        self.level = chosen
        self.levelDownsample = downsample
        self.readSize = readSize
        self.outputSize = parameters.tileSize
        self.footprint = max(1, Int((Double(readSize) * downsample).rounded()))
        let strideTarget = Double(parameters.tileSize - parameters.overlap)
        self.stride = max(1, Int((strideTarget * Double(footprint) / Double(parameters.tileSize)).rounded()))
        self.level0PixelsPerTargetPixel = ratio
    }

    /// A geometry fixed by a patch file rather than chosen: read `readSize` px squares at `level`
    /// (downsample `levelDownsample`) and resize them to `outputSize` (e.g. CLAM's 256 px patches
    /// fed to a CNN at 224). The stride is the footprint (patch files list origins explicitly).
    /// - Precondition: `readSize`, `outputSize` and `levelDownsample` are positive.
    public init(level: Int, levelDownsample: Double, readSize: Int, outputSize: Int) {
        precondition(readSize > 0 && outputSize > 0 && levelDownsample > 0, "sizes and downsample must be positive")
        self.level = level
        self.levelDownsample = levelDownsample
        self.readSize = readSize
        self.outputSize = outputSize
        self.footprint = max(1, Int((Double(readSize) * levelDownsample).rounded()))
        self.stride = footprint
        self.level0PixelsPerTargetPixel = Double(footprint) / Double(outputSize)
    }

    /// The largest DCT reduction (8, 4 or 2) that shrinking `readSize` to `outputSize` can start
    /// with: one that divides the read size and leaves no enlargement; `nil` when none does.
    public var decodeReduction: Int? {
        [8, 4, 2].first { readSize % $0 == 0 && readSize / $0 >= outputSize }
    }

    /// Reads the tile whose level-0 top-left corner is `origin`, resized to `outputSize` when needed.
    /// Under `.reducedDecode` a shrinking read is decoded at 1/`decodeReduction` where the slide
    /// allows it and area-averaged the rest of the way.
    /// - Throws: `TilingError.tileRead` naming the slide and the coordinates.
    public func readTile(from slide: Slide, at origin: Level0Point, resampling: TileResampling = .exact) throws -> RGBImage {
        let region: RGBImage
        do {
            if resampling == .reducedDecode, let reducer = slide as? ReducedDecodingSlide, let reduction = decodeReduction,
               let reduced = try reducer.readRegion(level: level, x: origin.x, y: origin.y, width: readSize, height: readSize,
                                                    reduction: reduction) {
                return ImageResampler.resize(reduced, width: outputSize, height: outputSize)
            }
            region = try slide.readRegion(level: level, x: origin.x, y: origin.y, width: readSize, height: readSize)
        } catch {
            throw TilingError.tileRead(slide: slide.path, x: origin.x, y: origin.y, reason: "\(error)")
        }
        return ImageResampler.resize(region, width: outputSize, height: outputSize)
    }
}
