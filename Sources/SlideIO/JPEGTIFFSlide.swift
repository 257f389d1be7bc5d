import CTIFF
import Foundation
import Raster

/// A tiled JPEG TIFF (Aperio SVS, generic pyramidal TIFF, BigTIFF; YCbCr or RGB tiles, with or
/// without shared JPEGTables) whose pyramid is decoded directly: raw tiles from libtiff,
/// libjpeg-turbo's TurboJPEG decoder, regions assembled from the stored tiles they cover.
///
/// Metadata (levels, resolution, properties, associated images) is the OpenSlide slide's, so the
/// two readers describe a slide identically and give the same pixels at a level's own positions.
/// A level-0 position that falls between the pixels of a coarser level is taken to the pixel
/// before it (OpenSlide interpolates there, so the two differ by a fraction of a pixel).
/// Decoded stored tiles go through a `DecodedTileCache` shared with other readers; reads run on
/// any number of threads, each with its own libtiff handle and decompressor.
public final class JPEGTIFFSlide: ReducedDecodingSlide {
    /// Which reader a slide gets, and why.
    public enum Eligibility: Equatable, Sendable {
        /// Every level is a tiled 8-bit 3-sample JPEG directory the direct reader decodes.
        case direct(reason: String)
        /// Something about the file needs OpenSlide; `reason` says what.
        case openSlide(reason: String)
    }

    /// The OpenSlide view of the same file: metadata and associated images.
    public let base: OpenSlideSlide
    /// The cache decoded stored tiles go through.
    public let cache: DecodedTileCache
    private let fileLevels: [JPEGTIFFLevel]
    private let pool: JPEGTileDecoderPool
    private let identifier = DecodedTileCache.newSlideIdentifier()

    public var path: String { base.path }
    public var vendor: String { base.vendor }
    public var levels: [SlideLevel] { base.levels }
    public var micronsPerPixel: MicronsPerPixel? { base.micronsPerPixel }
    public var objectivePower: Double? { base.objectivePower }
    public var properties: [String: String] { base.properties }
    public var associatedImageNames: [String] { base.associatedImageNames }
    public var warnings: [String] { base.warnings }

    /// Whether the direct reader can decode `slide`'s pyramid, with the reason either way.
    public static func eligibility(of slide: OpenSlideSlide) -> Eligibility {
        switch matchLevels(of: slide) {
        case let .success(levels):
            let colour = Set(levels.map { $0.isRGB ? "RGB" : "YCbCr" }).sorted().joined(separator: " and ")
            let tables = levels.contains { $0.streamPrefix.count > 18 } ? ", shared JPEGTables" : ""
            return .direct(reason: "\(slide.vendor) TIFF with JPEG tiles (\(colour)\(tables)) in all \(levels.count) levels")
        case let .failure(failure):
            return .openSlide(reason: failure.reason)
        }
    }

    /// Wraps `slide` for direct decoding.
    /// - Throws: `SlideError.unsupportedFormat` with the reason when the direct reader cannot
    ///   decode it (see `eligibility(of:)`).
    public init(wrapping slide: OpenSlideSlide, cache: DecodedTileCache = DecodedTileCache(),
                maximumIdleDecoders: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        switch Self.matchLevels(of: slide) {
        case let .success(levels): fileLevels = levels
        case let .failure(failure):
            throw SlideError.unsupportedFormat(path: slide.path, found: failure.reason, advice: "read it through OpenSlide")
        }
        base = slide
        self.cache = cache
        pool = JPEGTileDecoderPool(path: slide.path, maximumIdle: maximumIdleDecoders)
    }

    public func associatedImage(named name: String) throws -> RGBImage {
        try base.associatedImage(named: name)
    }

    public func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage {
        try read(level: level, x: x, y: y, width: width, height: height, scale: 1)!
    }

    public func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int, reduction: Int) throws -> RGBImage? {
        precondition([2, 4, 8].contains(reduction), "reduction must be 2, 4 or 8")
        return try read(level: level, x: x, y: y, width: width, height: height, scale: reduction)
    }

    private func read(level: Int, x: Int, y: Int, width: Int, height: Int, scale: Int) throws -> RGBImage? {
        func failure(_ reason: String) -> SlideError {
            .readFailed(path: path, level: level, x: x, y: y, width: width, height: height, reason: reason)
        }
        guard levels.indices.contains(level) else {
            throw SlideError.invalidRegion(path: path, level: level, x: x, y: y, width: width, height: height,
                                           reason: "the slide has levels 0...\(levels.count - 1)")
        }
        guard width >= 0, height >= 0, width.multipliedReportingOverflow(by: height).partialValue <= OpenSlideSlide.maximumRegionPixels,
              width <= OpenSlideSlide.maximumRegionPixels, height <= OpenSlideSlide.maximumRegionPixels else {
            throw SlideError.invalidRegion(path: path, level: level, x: x, y: y, width: width, height: height,
                                           reason: "negative size or more than \(OpenSlideSlide.maximumRegionPixels) pixels")
        }
        let file = fileLevels[level]
        let downsample = levels[level].downsample
        let levelX = Int((Double(x) / downsample).rounded(.down)), levelY = Int((Double(y) / downsample).rounded(.down))
        if scale > 1 {
            guard file.tileWidth % scale == 0, file.tileHeight % scale == 0, levelX % scale == 0, levelY % scale == 0,
                  width % scale == 0, height % scale == 0,
                  level == 0 || (Double(levelX) * downsample == Double(x) && Double(levelY) * downsample == Double(y))
            else { return nil }
        }
        let (outWidth, outHeight) = (width / scale, height / scale)
        var image = RGBImage(width: outWidth, height: outHeight)
        if outWidth == 0 || outHeight == 0 { return image }
        // Everything in reduced coordinates: stored tiles of (tileWidth / scale) px.
        let (tileWidth, tileHeight) = (file.tileWidth / scale, file.tileHeight / scale)
        let (startX, startY) = (levelX / scale, levelY / scale)
        let levelWidth = (file.width + scale - 1) / scale, levelHeight = (file.height + scale - 1) / scale
        let x0 = max(startX, 0), x1 = min(startX + outWidth, levelWidth)
        let y0 = max(startY, 0), y1 = min(startY + outHeight, levelHeight)
        guard x0 < x1, y0 < y1 else { return image }
        try image.pixels.withUnsafeMutableBufferPointer { out in
            try pool.withDecoder { decoder in
                for row in y0 / tileHeight...(y1 - 1) / tileHeight {
                    for column in x0 / tileWidth...(x1 - 1) / tileWidth {
                        let tile = row * file.tilesAcross + column
                        let (tileX, tileY) = (column * tileWidth, row * tileHeight)
                        let cx0 = max(x0, tileX), cx1 = min(x1, tileX + tileWidth)
                        let cy0 = max(y0, tileY), cy1 = min(y1, tileY + tileHeight)
                        do {
                            let whole = cx0 == tileX && cx1 == tileX + tileWidth && cy0 == tileY && cy1 == tileY + tileHeight
                            if whole && cache.budgetBytes == 0 {
                                // Straight into the destination: no intermediate buffer.
                                let target = out.baseAddress! + ((cy0 - startY) * outWidth + (cx0 - startX)) * 3
                                try decoder.decode(file, tile: tile, scale: scale, into: target, pitch: outWidth * 3)
                                continue
                            }
                            let decoded = try decodedTile(file, level: level, tile: tile, scale: scale, decoder: decoder)
                            decoded.pixels.withUnsafeBufferPointer { source in
                                for y in cy0..<cy1 {
                                    let from = source.baseAddress! + ((y - tileY) * tileWidth + (cx0 - tileX)) * 3
                                    let to = out.baseAddress! + ((y - startY) * outWidth + (cx0 - startX)) * 3
                                    to.update(from: from, count: (cx1 - cx0) * 3)
                                }
                            }
                        } catch let error as JPEGTileFailure {
                            throw failure("stored tile \(tile) (column \(column), row \(row)) of level \(level) "
                                + "(TIFF directory \(file.directory)): \(error.reason)")
                        }
                    }
                }
            }
        }
        return image
    }

    private func decodedTile(_ file: JPEGTIFFLevel, level: Int, tile: Int, scale: Int, decoder: JPEGTileDecoder) throws -> DecodedTileCache.Tile {
        let key = DecodedTileCache.Key(slide: identifier, level: level, tile: tile, scale: scale)
        if let cached = cache.tile(for: key) { return cached }
        let (width, height) = (file.tileWidth / scale, file.tileHeight / scale)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        try pixels.withUnsafeMutableBufferPointer { try decoder.decode(file, tile: tile, scale: scale, into: $0.baseAddress!, pitch: width * 3) }
        let decoded = DecodedTileCache.Tile(width: width, height: height, pixels: pixels)
        cache.insert(decoded, for: key)
        return decoded
    }

    private struct Ineligible: Error {
        let reason: String
    }

    /// The file level behind each OpenSlide level, or why there is none the direct reader decodes.
    private static func matchLevels(of slide: OpenSlideSlide) -> Result<[JPEGTIFFLevel], Ineligible> {
        guard ["aperio", "generic-tiff"].contains(slide.vendor) else {
            return .failure(Ineligible(reason: "\(slide.vendor) files are read through OpenSlide"))
        }
        guard let structure = slide.tiffStructure else {
            return .failure(Ineligible(reason: "not a TIFF"))
        }
        var levels: [JPEGTIFFLevel] = []
        for (index, level) in slide.levels.enumerated() {
            guard let directory = structure.directories.first(where: { $0.isTiled && $0.width == level.width && $0.height == level.height }) else {
                return .failure(Ineligible(reason: "level \(index) matches no tiled TIFF directory"))
            }
            guard directory.compression == Int(COMPRESSION_JPEG) else {
                return .failure(Ineligible(reason: "level \(index) (TIFF directory \(directory.index)) has compression \(directory.compression), not JPEG (7)"))
            }
            guard directory.samplesPerPixel == 3, directory.bitsPerSample == 8,
                  directory.photometric == Int(PHOTOMETRIC_YCBCR) || directory.photometric == Int(PHOTOMETRIC_RGB) else {
                return .failure(Ineligible(reason: "level \(index) (TIFF directory \(directory.index)) is not 8-bit RGB or YCbCr"))
            }
            guard let tables = jpegTables(path: slide.path, directory: directory.index) else {
                return .failure(Ineligible(reason: "level \(index) (TIFF directory \(directory.index)) cannot be reread"))
            }
            let isRGB = directory.photometric == Int(PHOTOMETRIC_RGB)
            levels.append(JPEGTIFFLevel(directory: directory.index, width: directory.width, height: directory.height,
                                        tileWidth: directory.tileWidth!, tileHeight: directory.tileHeight!, isRGB: isRGB,
                                        streamPrefix: JPEGTIFFLevel.streamPrefix(tables: tables, isRGB: isRGB)))
        }
        return .success(levels)
    }

    /// The JPEGTables tag of `directory` (empty when absent), `nil` when the file cannot be read.
    private static func jpegTables(path: String, directory: Int) -> [UInt8]? {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let tiff = slidemil_tiff_open(path, "r", &errorBuffer) else { return nil }
        defer { TIFFClose(tiff) }
        guard TIFFSetDirectory(tiff, tdir_t(directory)) == 1 else { return nil }
        var count: UInt32 = 0
        var data: UnsafeMutableRawPointer?
        guard slidemil_tiff_get_bytes(tiff, UInt32(TIFFTAG_JPEGTABLES), &count, &data) == 1, let data, count > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: data, count: Int(count)))
    }
}
