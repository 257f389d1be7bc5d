/// What tiles to cut: their resolution, size, spacing and how much tissue they must hold.
public struct TileGridParameters: Equatable, Sendable {
    /// Resolution of the tiles (default 0.5 µm/px, about 20×).
    public var target: TargetResolution = .micronsPerPixel(0.5)
    /// Tile side in px at `target` (default 256).
    public var tileSize: Int = 256
    /// Overlap of neighbouring tiles in px at `target` (default 0); stride = tileSize - overlap.
    public var overlap: Int = 0
    /// A pyramid level whose resolution is within this relative distance of the target is read
    /// as is, without resizing (default 0.05: for a 0.25 µm/px target, level 0 of a 0.243 µm/px
    /// scan is read as is, while a 0.226 µm/px scan is read larger and shrunk). The footprint
    /// recorded is always the one actually read.
    public var levelTolerance: Double = 0.05
    /// Tiles whose tissue fraction (0...1, from the mask over the tile footprint) is below this
    /// are dropped (default 0.5).
    public var minTissueFraction: Double = 0.5

    /// 256 px tiles at 0.5 µm/px, no overlap, at least half tissue.
    public init() {}

    /// Throws `TilingError.invalidParameter` for values no grid can use.
    public func validate() throws {
        if tileSize < 1 {
            throw TilingError.invalidParameter(name: "tile size", value: "\(tileSize)", reason: "must be at least 1 px")
        }
        if overlap < 0 || overlap >= tileSize {
            throw TilingError.invalidParameter(name: "overlap", value: "\(overlap)", reason: "must be in 0 ..< tile size (\(tileSize))")
        }
        if !(levelTolerance >= 0 && levelTolerance < 1) {
            throw TilingError.invalidParameter(name: "level tolerance", value: "\(levelTolerance)", reason: "must be in 0 ..< 1")
        }
        if !(minTissueFraction >= 0 && minTissueFraction <= 1) {
            throw TilingError.invalidParameter(name: "tissue fraction", value: "\(minTissueFraction)", reason: "must be in 0 ... 1")
        }
    }
}
