import CTIFF
import Foundation
import Raster
import SlideIO

/// Writes a tiled, pyramidal TIFF of the kind Camelyon16/17 slides are (OpenSlide's
/// "generic-tiff"): level 0 in square tiles, each further level `downsampleFactor` times smaller
/// as a reduced-resolution directory, resolution tags in pixels per centimetre.
///
/// Pixels come from a closure asked for one level-0 tile at a time, so no level is ever held
/// whole: level-0 tiles are encoded as they arrive, and each reduced level keeps one band of
/// tile rows (`width / factor^k * tileSize * 3` bytes) that is averaged from the level above.
/// Reduced levels are encoded into side files next to the output and copied in, still
/// compressed, once level 0 is complete. The output appears atomically: it is written under a
/// temporary name and renamed when complete, so a failed or killed write leaves no partial slide.
public struct PyramidalTIFFWriter: Sendable {
    /// How tiles are compressed.
    public enum Compression: Sendable, Equatable {
        /// Baseline JPEG in YCbCr 4:2:0, `quality` 1...100 (scanners use 70...95).
        case jpeg(quality: Int)
        /// Lossless deflate in RGB: exact pixels, for tests; files are several times larger.
        case deflate
    }

    /// A small image stored after the pyramid as a stripped (untiled) RGB directory with its own
    /// ImageDescription, the way Aperio SVS files keep their label and macro pictures.
    public struct ExtraImage: Sendable, Equatable {
        public let description: String
        public let image: RGBImage

        public init(description: String, image: RGBImage) {
            self.description = description
            self.image = image
        }
    }

    /// How far a write has got; tiles are counted over all levels.
    public struct Progress: Sendable, Equatable {
        public let tilesWritten: Int
        public let totalTiles: Int
    }

    public let width: Int
    public let height: Int
    public let tileSize: Int
    public let compression: Compression
    public let downsampleFactor: Int
    public let micronsPerPixel: MicronsPerPixel?
    public let imageDescription: String?
    public let extraImages: [ExtraImage]
    /// Size of every level, level 0 first; levels stop once one fits in a single tile (deflate:
    /// before a level would be narrower or shorter than a tile, which OpenSlide 3.4.1 cannot read).
    public let levelSizes: [(width: Int, height: Int)]

    /// Validates a configuration.
    /// - Parameters:
    ///   - width, height: level-0 size in pixels, 1...4,000,000 each.
    ///   - tileSize: tile side in pixels; a multiple of 16 (JPEG blocks) and of `downsampleFactor`.
    ///   - compression: JPEG quality 90 by default.
    ///   - downsampleFactor: 2 (default) or 4 between consecutive levels.
    ///   - micronsPerPixel: level-0 resolution written to the resolution tags; `nil` writes none.
    ///   - imageDescription: the ImageDescription tag of level 0.
    ///   - extraImages: images written after the pyramid (deflate-compressed strips), none by default.
    /// - Throws: `SlideError.invalidConfiguration` naming the offending value.
    public init(width: Int, height: Int, tileSize: Int = 256, compression: Compression = .jpeg(quality: 90),
                downsampleFactor: Int = 2, micronsPerPixel: MicronsPerPixel? = nil, imageDescription: String? = nil,
                extraImages: [ExtraImage] = []) throws {
        guard (1...4_000_000).contains(width), (1...4_000_000).contains(height) else {
            throw SlideError.invalidConfiguration(reason: "slide size \(width) x \(height) px is outside 1...4000000 per side")
        }
        guard downsampleFactor == 2 || downsampleFactor == 4 else {
            throw SlideError.invalidConfiguration(reason: "downsample factor \(downsampleFactor) (use 2 or 4)")
        }
        guard tileSize >= 16, tileSize <= 4096, tileSize % 16 == 0 else {
            throw SlideError.invalidConfiguration(reason: "tile size \(tileSize) px (use a multiple of 16 in 16...4096)")
        }
        if case let .jpeg(quality) = compression, !(1...100).contains(quality) {
            throw SlideError.invalidConfiguration(reason: "JPEG quality \(quality) (use 1...100)")
        }
        if let micronsPerPixel, !(micronsPerPixel.x > 0 && micronsPerPixel.y > 0) {
            throw SlideError.invalidConfiguration(reason: "microns per pixel \(micronsPerPixel.x) x \(micronsPerPixel.y) must be positive")
        }
        self.width = width
        self.height = height
        self.tileSize = tileSize
        self.compression = compression
        self.downsampleFactor = downsampleFactor
        self.micronsPerPixel = micronsPerPixel
        self.imageDescription = imageDescription
        self.extraImages = extraImages
        var sizes = [(width: width, height: height)]
        while let last = sizes.last, max(last.width, last.height) > tileSize {
            let next = ((last.width + downsampleFactor - 1) / downsampleFactor, (last.height + downsampleFactor - 1) / downsampleFactor)
            // OpenSlide 3.4.1 decodes non-JPEG tiles through TIFFRGBAImage, which returns nothing
            // for a level narrower or shorter than one tile; deflate pyramids stop before that.
            if compression == .deflate && min(next.0, next.1) < tileSize { break }
            sizes.append(next)
        }
        levelSizes = sizes
    }

    /// Tiles over all levels: what `Progress.totalTiles` counts to.
    public var totalTiles: Int {
        levelSizes.reduce(0) { $0 + (($1.width + tileSize - 1) / tileSize) * (($1.height + tileSize - 1) / tileSize) }
    }

    /// Writes the slide to `path`, replacing any file there only once the new one is complete.
    ///
    /// - Parameters:
    ///   - progress: called on the calling thread after each tile is encoded.
    ///   - tiles: returns the pixels of a level-0 rectangle (at most `tileSize` square, already
    ///     clipped to the slide); called from several threads at once.
    /// - Throws: `SlideError.writeFailed` (libtiff's message, or a tile of the wrong size), or
    ///   whatever `tiles` throws; no file is left at `path` or beside it.
    public func write(to path: String, progress: ((Progress) -> Void)? = nil,
                      tiles: @escaping @Sendable (Level0Rect) throws -> RGBImage) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let stem = ".\(url.lastPathComponent).\(UUID().uuidString)"
        let temporaryPath = folder + "/" + stem + ".tmp"
        let levelPaths = (1..<levelSizes.count).map { folder + "/" + stem + ".level\($0).tmp" }
        defer {
            for temporary in [temporaryPath] + levelPaths { try? FileManager.default.removeItem(atPath: temporary) }
        }
        // BigTIFF once the pixels could exceed classic TIFF's 4 GiB offsets even compressed.
        let mode = width * height * 3 > (1 << 31) ? "w8" : "w"
        var written = 0
        let total = totalTiles
        let report = { written += 1; progress?(Progress(tilesWritten: written, totalTiles: total)) }
        let main = try TIFFFile(path: temporaryPath, mode: mode)
        try main.describeLevel(width: width, height: height, tileSize: tileSize, compression: compression,
                               micronsPerPixel: micronsPerPixel, isReduced: false, imageDescription: imageDescription)
        let bands = try levelSizes.indices.dropFirst().map { level -> PyramidBand in
            let file = try TIFFFile(path: levelPaths[level - 1], mode: mode)
            try file.describeLevel(width: levelSizes[level].width, height: levelSizes[level].height, tileSize: tileSize,
                                   compression: compression, micronsPerPixel: resolution(ofLevel: level),
                                   isReduced: true, imageDescription: nil)
            return PyramidBand(width: levelSizes[level].width, height: levelSizes[level].height, tileSize: tileSize, file: file)
        }
        try writeLevel0(into: main, bands: bands, tiles: tiles, onTile: report)
        try main.check(TIFFWriteDirectory(main.pointer), "finishing level 0")
        for (index, band) in bands.enumerated() {
            band.file.close()
            let source = try TIFFFile(path: levelPaths[index], mode: "r")
            try main.describeLevel(width: band.width, height: band.height, tileSize: tileSize, compression: compression,
                                   micronsPerPixel: resolution(ofLevel: index + 1), isReduced: true, imageDescription: nil)
            try main.copyRawTiles(from: source)
            try main.check(TIFFWriteDirectory(main.pointer), "finishing level \(index + 1)")
        }
        for extra in extraImages {
            try main.writeStrippedImage(extra.image, description: extra.description)
        }
        main.close()
        guard rename(temporaryPath, path) == 0 else {
            throw SlideError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Resolution of a reduced level: level-0 µm/px times the level's actual downsample.
    private func resolution(ofLevel level: Int) -> MicronsPerPixel? {
        micronsPerPixel.map {
            MicronsPerPixel(x: $0.x * Double(width) / Double(levelSizes[level].width),
                            y: $0.y * Double(height) / Double(levelSizes[level].height))
        }
    }

    /// Generates level 0 a tile row at a time (tiles of a row in parallel), encodes it, and
    /// feeds the reduced levels.
    private func writeLevel0(into main: TIFFFile, bands: [PyramidBand],
                             tiles: @escaping @Sendable (Level0Rect) throws -> RGBImage, onTile: () -> Void) throws {
        let tilesAcross = (width + tileSize - 1) / tileSize
        let tilesDown = (height + tileSize - 1) / tileSize
        let chunk = max(1, ProcessInfo.processInfo.activeProcessorCount * 2)
        var tileBuffer = [UInt8](repeating: 255, count: tileSize * tileSize * 3)
        for tileRow in 0..<tilesDown {
            let y0 = tileRow * tileSize, rows = min(tileSize, height - y0)
            for firstColumn in stride(from: 0, to: tilesAcross, by: chunk) {
                let columns = firstColumn..<min(firstColumn + chunk, tilesAcross)
                let rects = columns.map { Level0Rect(x: $0 * tileSize, y: y0, width: min(tileSize, width - $0 * tileSize), height: rows) }
                let images = try TileGeneration.run(rects, tiles)
                for (rect, image) in zip(rects, images) {
                    guard image.width == rect.width, image.height == rect.height else {
                        throw SlideError.writeFailed(path: main.path, reason: "the pixel source returned \(image.width) x \(image.height) px for the \(rect.width) x \(rect.height) px tile at (\(rect.x), \(rect.y))")
                    }
                    for index in tileBuffer.indices { tileBuffer[index] = 255 }
                    for row in 0..<rect.height {
                        tileBuffer.replaceSubrange(row * tileSize * 3..<(row * tileSize + rect.width) * 3,
                                                   with: image.pixels[row * rect.width * 3..<(row + 1) * rect.width * 3])
                    }
                    try main.writeTile(&tileBuffer, x: rect.x, y: rect.y)
                    onTile()
                    if let first = bands.first {
                        image.pixels.withUnsafeBufferPointer {
                            first.receive($0, sourceStride: rect.width, sourceWidth: rect.width, sourceHeight: rect.height,
                                          factor: downsampleFactor, column: rect.x / downsampleFactor)
                        }
                    }
                }
            }
            if !bands.isEmpty {
                bands[0].advance(rows: (rows + downsampleFactor - 1) / downsampleFactor)
                try flush(bands, from: 0, onTile: onTile)
            }
        }
    }

    /// Writes out every band that is complete, passing each one's average down first.
    private func flush(_ bands: [PyramidBand], from level: Int, onTile: () -> Void) throws {
        let band = bands[level]
        guard band.isFull else { return }
        if level + 1 < bands.count {
            let next = bands[level + 1]
            band.pixels.withUnsafeBufferPointer {
                next.receive($0, sourceStride: band.width, sourceWidth: band.width, sourceHeight: band.rowsFilled,
                             factor: downsampleFactor, column: 0)
            }
            next.advance(rows: (band.rowsFilled + downsampleFactor - 1) / downsampleFactor)
        }
        try band.writeTilesAndReset(onTile: onTile)
        if level + 1 < bands.count { try flush(bands, from: level + 1, onTile: onTile) }
    }
}

/// Runs a pixel source over several tiles at once, keeping the results in order.
private enum TileGeneration {
    static func run(_ rects: [Level0Rect], _ source: @escaping @Sendable (Level0Rect) throws -> RGBImage) throws -> [RGBImage] {
        final class Results: @unchecked Sendable {
            var images: [RGBImage?]
            var error: Error?
            let lock = NSLock()
            init(count: Int) { images = Array(repeating: nil, count: count) }
        }
        let results = Results(count: rects.count)
        DispatchQueue.concurrentPerform(iterations: rects.count) { index in
            do {
                let image = try source(rects[index])
                results.lock.lock(); results.images[index] = image; results.lock.unlock()
            } catch {
                results.lock.lock(); results.error = results.error ?? error; results.lock.unlock()
            }
        }
        if let error = results.error { throw error }
        return results.images.map { $0! }
    }
}
