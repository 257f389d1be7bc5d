import Foundation
import RunSupport
import SlideIO
import Tiling

/// Everything that decides what `slidemil tile` writes for a slide; two runs with equal settings
/// produce the same files, so a finished slide is skipped only when its `fingerprint` matches.
/// Also the pipeline config's `tile` section and the defaults and help of `slidemil tile`'s
/// options: `TileSettings+Keys.swift` declares each setting once.
public struct TileSettings: StageSettings, Sendable {
    /// Tissue detection.
    public var segmentation = TissueSegmentationParameters()
    /// Tile resolution, size, overlap and tissue threshold.
    public var grid = TileGridParameters()
    /// Level-0 µm/px to use for every slide instead of its metadata (a CSV `mpp` column wins).
    public var mppOverride: Double?
    /// Also write every kept tile as a PNG under `tiles/<slide_id>/`.
    public var exportTiles = false
    /// Read every kept tile (without writing it) to find unreadable tiles before feature
    /// extraction does; implied by `exportTiles`.
    public var verifyTiles = false
    /// Reader threads for tile export and verification.
    public var readers = 2
    /// What an unreadable tile does during export.
    public var badTilePolicy: TileReadPolicy = .stop
    /// Reader choice, resampling path and tile cache for export and verification.
    public var reading = SlideReadingSettings()

    /// Defaults: Otsu segmentation, 256 px tiles at 0.5 µm/px, no overlap, half tissue.
    public init() {}

    /// Checks every setting against its documented range before any work (non-finite values
    /// never pass); keys are the pipeline config's with the command line's option in brackets.
    /// - Throws: `SettingRangeError` naming the key, value and range, or the grid's and
    ///   segmentation's own `TilingError`.
    public func validate() throws {
        try checkRanges()
        // The one range that depends on another setting.
        try SettingRange(0, Double(grid.tileSize - 1)).check("tile.overlap (--overlap)", grid.overlap)
        try grid.validate()
        try segmentation.validate()
    }

    /// A short hex digest of the settings that shape the outputs (not `readers`), stored in the
    /// patch file's `config_hash`.
    public var fingerprint: String {
        let s = segmentation, g = grid
        let threshold: String
        switch s.threshold {
        case .otsu: threshold = "otsu\(s.otsuFloor)"
        case let .fixed(value): threshold = "fixed\(value)"
        }
        let canonical = [
            "target=\(g.target)", "tile=\(g.tileSize)", "overlap=\(g.overlap)", "tolerance=\(g.levelTolerance)",
            "tissue=\(g.minTissueFraction)", "segds=\(s.targetDownsample)", "segmax=\(s.maxSide)", "threshold=\(threshold)",
            "median=\(s.medianKernel)", "close=\(s.closingKernel)", "area=\(s.minTissueArea)", "hole=\(s.minHoleArea)",
            "refmpp=\(s.referenceMicronsPerPixel)", "mpp=\(mppOverride.map { "\($0)" } ?? "-")", "export=\(exportTiles)", "verify=\(verifyTiles)",
            "policy=\(badTilePolicy)",
        ] + (exportTiles ? ["resampling=\(reading.resampling.rawValue)"] : [])
        let canonicalText = canonical.joined(separator: ";")
        let hash = SettingsFingerprint.fnv1a(canonicalText)
        return String(hash, radix: 16)
    }
}
