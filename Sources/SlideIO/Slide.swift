import Raster

/// A level-0 pixel position: the coordinate convention of every file SlideMIL writes.
public struct Level0Point: Hashable, Sendable, Codable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// One level of a slide's pyramid.
public struct SlideLevel: Equatable, Sendable, Codable {
    public let width: Int
    public let height: Int
    /// Level-0 pixels per pixel of this level (1 for level 0).
    public let downsample: Double

    public init(width: Int, height: Int, downsample: Double) {
        self.width = width
        self.height = height
        self.downsample = downsample
    }
}

/// Physical resolution at level 0, where known.
public struct MicronsPerPixel: Equatable, Sendable, Codable {
    public let x: Double
    public let y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A whole-slide image that can be read region by region, never whole.
///
/// Implementations must allow `readRegion` from several threads at once.
public protocol Slide: AnyObject, Sendable {
    /// The file the slide was opened from.
    var path: String { get }
    /// Format as the backend names it (for OpenSlide: "aperio", "generic-tiff", ...).
    var vendor: String { get }
    /// Pyramid levels, level 0 (full resolution) first.
    var levels: [SlideLevel] { get }
    /// Level-0 resolution, or `nil` when neither the metadata nor an override gives it.
    var micronsPerPixel: MicronsPerPixel? { get }
    /// Scanner objective power (e.g. 20 or 40), when the metadata gives it.
    var objectivePower: Double? { get }
    /// Every metadata property, as the backend reports it.
    var properties: [String: String] { get }
    /// Names of the associated images (e.g. "thumbnail", "label", "macro").
    var associatedImageNames: [String] { get }
    /// Problems found when opening that do not stop reading (inconsistent resolution tags,
    /// libtiff warnings), one line each, for the run's report.
    var warnings: [String] { get }

    /// Reads a region of `level` whose top-left corner is (`x`, `y`) in level-0 pixels and whose
    /// size is `width` x `height` pixels of `level`. Parts outside the slide and transparent
    /// pixels come back white.
    func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage

    /// Reads an associated image by name.
    func associatedImage(named name: String) throws -> RGBImage
}

extension Slide {
    /// No warnings, for slides that never have any (synthetic ones).
    public var warnings: [String] { [] }

    /// Level-0 dimensions.
    public var dimensions: (width: Int, height: Int) { (levels[0].width, levels[0].height) }

    /// The level whose downsample is the largest not exceeding `downsample` (level 0 if none),
    /// the level to read from when `downsample` itself is not in the pyramid.
    public func bestLevel(forDownsample downsample: Double) -> Int {
        var best = 0
        for (index, level) in levels.enumerated() where level.downsample <= downsample * (1 + 1e-6) {
            if level.downsample >= levels[best].downsample { best = index }
        }
        return best
    }
}
