import Foundation
import Raster
import SlideIO

/// The pictures the viewer cuts from the run's slides: Deep Zoom tiles, thumbnails and single
/// patches, read through SlideIO on demand, encoded as JPEG, and kept in a bounded cache.
///
/// Slides are opened the first time a picture of them is asked for and stay open (the readers
/// keep their own bounded handle pools). Reads pass through a `DecodeGate`, so a burst of tile
/// requests decodes a few at a time. Thread-safe.
final class SlideImageSource: @unchecked Sendable {
    /// Side of a Deep Zoom tile, in pixels.
    static let tileSize = 256
    /// Longest side of a thumbnail, in pixels.
    static let thumbnailSide = 512
    /// Side of a patch picture in the tile strip, in pixels.
    static let patchSide = 192

    private let run: ViewerRun
    private let cache: EncodedImageCache
    private let gate: DecodeGate
    private let decodedTiles: DecodedTileCache
    private let lock = NSLock()
    private var opened: [String: Slide] = [:]

    /// A source over `run`'s slides with `cacheBytes` of encoded pictures and at most
    /// `concurrentDecodes` reads at once.
    init(run: ViewerRun, cacheBytes: Int = 256 << 20, concurrentDecodes: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)) {
        self.run = run
        cache = EncodedImageCache(capacityBytes: cacheBytes)
        gate = DecodeGate(concurrentDecodes: concurrentDecodes)
        decodedTiles = DecodedTileCache()
    }

    /// The open slide `id`, or `nil` when the run lists no file for it.
    /// - Throws: the `SlideError` of a file that does not open.
    func slide(_ id: String) throws -> Slide? {
        if let slide = lock.withLock({ opened[id] }) { return slide }
        guard let path = run.slide(id)?.path else { return nil }
        let slide = try SlideOpener.open(path: path, cache: decodedTiles).slide
        return lock.withLock {
            if let existing = opened[id] { return existing }
            opened[id] = slide
            return slide
        }
    }

    /// The Deep Zoom pyramid of slide `id`.
    func pyramid(_ id: String) throws -> DeepZoomPyramid? {
        guard let slide = try slide(id) else { return nil }
        let (width, height) = slide.dimensions
        return DeepZoomPyramid(width: width, height: height, tileSize: Self.tileSize)
    }

    /// One Deep Zoom tile as JPEG; `nil` for a tile outside the pyramid or an unlisted slide.
    /// - Throws: `TileTooCostly`; the read or encoding error.
    func tile(_ id: String, level: Int, column: Int, row: Int) throws -> Data? {
        guard let slide = try slide(id), let pyramid = try pyramid(id),
              let rect = pyramid.tileRect(level: level, column: column, row: row) else { return nil }
        return try cached("\(id)/tile/\(level)/\(column)/\(row)") {
            try Self.render(slide, downsample: pyramid.downsample(ofLevel: level), x: rect.x, y: rect.y,
                            width: rect.width, height: rect.height)
        }
    }

    /// The whole slide at most `thumbnailSide` pixels a side, as JPEG.
    func thumbnail(_ id: String) throws -> Data? {
        guard let slide = try slide(id) else { return nil }
        return try cached("\(id)/thumbnail") { try slide.thumbnail(maximumSide: Self.thumbnailSide) }
    }

    /// The square of `side` level-0 pixels at (`x`, `y`), at most `patchSide` pixels a side, as JPEG.
    func patch(_ id: String, x: Int, y: Int, side: Int) throws -> Data? {
        guard let slide = try slide(id), side > 0 else { return nil }
        let output = min(side, Self.patchSide)
        return try cached("\(id)/patch/\(x)/\(y)/\(side)") {
            let downsample = Double(side) / Double(output)
            let level = slide.bestLevel(forDownsample: downsample)
            let levelSide = Int((Double(side) / slide.levels[level].downsample).rounded(.up))
            guard levelSide * levelSide <= Self.maximumReadPixels else { throw TileTooCostly() }
            return try slide.shrunkRegion(level: level, x: x, y: y, width: levelSide, height: levelSide,
                                          outputWidth: output, outputHeight: output)
        }
    }

    /// The most pixels one tile may read from the slide: a slide without a pyramid level near a
    /// coarse Deep Zoom level would otherwise decode most of itself for one small tile.
    static let maximumReadPixels = 64 << 20

    /// The `width` x `height` pixels at (`x`, `y`) of the image the slide is at `downsample`
    /// level-0 pixels per pixel, read from the pyramid level just finer than that and averaged
    /// down in bands. Pixels past the slide's edge come back white.
    /// - Throws: `TileTooCostly` past `maximumReadPixels`; the `SlideError` of a failed read.
    static func render(_ slide: Slide, downsample: Int, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage {
        let level = slide.bestLevel(forDownsample: Double(downsample))
        let levelDownsample = slide.levels[level].downsample
        let readWidth = max(1, Int((Double(width * downsample) / levelDownsample).rounded(.up)))
        let readHeight = max(1, Int((Double(height * downsample) / levelDownsample).rounded(.up)))
        guard readWidth * readHeight <= maximumReadPixels else { throw TileTooCostly() }
        return try slide.shrunkRegion(level: level, x: x * downsample, y: y * downsample, width: readWidth, height: readHeight,
                                      outputWidth: width, outputHeight: height)
    }

    private func cached(_ key: String, _ make: () throws -> RGBImage) throws -> Data {
        if let data = cache.image(key) { return data }
        let data = try gate.run { try JPEGEncoder.encode(try make()) }
        cache.insert(data, for: key)
        return data
    }
}

/// A tile would read more than `SlideImageSource.maximumReadPixels` from the slide (a slide
/// without a pyramid, seen from far away); answered 404, so the page draws the levels it has.
struct TileTooCostly: Error {}
