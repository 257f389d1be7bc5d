import SlideIO

/// The tiles kept on one slide: how to read them and where they are.
public struct TileGrid: Sendable {
    /// Level, read size and footprint shared by every tile.
    public let geometry: TileGeometry
    /// Level-0 top-left corners of the kept tiles, row by row (y, then x, ascending).
    public let coordinates: [Level0Point]
    /// Tissue fraction of each kept tile, parallel to `coordinates`.
    public let tissueFractions: [Double]
    /// Number of grid positions examined before tissue filtering.
    public let candidateCount: Int

    /// Lays a regular grid anchored at level-0 (0, 0) with `geometry.stride` spacing over the
    /// whole slide, keeps positions whose footprint lies fully inside the slide, and of those the
    /// tiles whose tissue fraction in `mask` is at least `minTissueFraction` and above zero
    /// (a `minTissueFraction` of 0 keeps every position).
    /// A single global grid (rather than one per tissue piece) never yields duplicate or
    /// overlapping tiles where pieces are close. O(candidates × footprint / mask downsample²).
    /// - Throws: `TilingError.tileLargerThanSlide` when not one footprint fits.
    public init(slidePath: String, width: Int, height: Int, geometry: TileGeometry, mask: TissueMask, minTissueFraction: Double) throws {
        let size = geometry.footprint
        guard size <= width, size <= height else {
            throw TilingError.tileLargerThanSlide(slide: slidePath, footprint: size, width: width, height: height)
        }
        var coordinates: [Level0Point] = []
        var fractions: [Double] = []
        var candidates = 0
        for y in Swift.stride(from: 0, through: height - size, by: geometry.stride) {
            for x in Swift.stride(from: 0, through: width - size, by: geometry.stride) {
                candidates += 1
                let fraction = mask.tissueFraction(x: x, y: y, width: size, height: size)
                if minTissueFraction == 0 || (fraction > 0 && fraction >= minTissueFraction) {
                    coordinates.append(Level0Point(x: x, y: y))
                    fractions.append(fraction)
                }
            }
        }
        self.geometry = geometry
        self.coordinates = coordinates
        self.tissueFractions = fractions
        self.candidateCount = candidates
    }

    /// Plans the grid for `slide` with `parameters`, filtering by `mask`.
    public init(slide: Slide, mask: TissueMask, parameters: TileGridParameters, micronsPerPixel override: MicronsPerPixel? = nil) throws {
        let geometry = try TileGeometry(slide: slide, parameters: parameters, micronsPerPixel: override)
        try self.init(slidePath: slide.path, width: slide.dimensions.width, height: slide.dimensions.height,
                      geometry: geometry, mask: mask, minTissueFraction: parameters.minTissueFraction)
    }
}
