import Foundation
import Heatmap
import SlideIO
import Store
import Tiling

/// `slidemil tile`: segments and tiles a batch of slides into CLAM/TRIDENT-compatible patch files.
///
/// Per slide it writes, each atomically, `masks/<id>.png`, `stitches/<id>.png`, optionally
/// `tiles/<id>/<x>_<y>.png`, and last `patches/<id>.h5` (whose `config_hash` ties it to the
/// settings); then it records the slide in `process_list.csv`. A slide is skipped on a rerun only
/// when its row says processed and its files are there, readable and made with the same settings.
/// A slide that fails gets a failed row with the reason, and the batch goes on.
public enum TilePipeline {
    /// What happened to one slide in this run.
    public enum Outcome: Equatable, Sendable {
        case tiled(tiles: Int)
        case alreadyDone(tiles: Int)
        case failed(String)
    }

    /// Tiles every slide of `inputs` into `output`, returning the outcome of each in input order.
    /// - Throws: `TilePipelineError.duplicateSlideID`, or a `StoreError` when the process list
    ///   itself cannot be read or written (per-slide problems never throw).
    public static func run(_ inputs: [TileInput], output: URL, settings: TileSettings,
                           progress: ProgressReporter? = nil) throws -> [Outcome] {
        var seen = Set<String>()
        for input in inputs where !seen.insert(input.slideID).inserted {
            throw TilePipelineError.duplicateSlideID(input.slideID)
        }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var list = try ProcessList.load(from: output.appendingPathComponent("process_list.csv"), adding: inputs.map(\.slideID))
        var outcomes: [Outcome] = []
        var tiles = 0
        for (index, input) in inputs.enumerated() {
            progress?.update(completed: tiles, fractionDone: Double(index) / Double(inputs.count),
                             detail: "slide \(index + 1)/\(inputs.count) \(input.slideID)")
            if list.record(for: input.slideID)?.status == .processed,
               let done = completedTileCount(input.slideID, output: output, settings: settings) {
                outcomes.append(.alreadyDone(tiles: done))
                continue
            }
            let start = Date()
            var record = ProcessRecord(slideID: input.slideID)
            do {
                let result = try tileSlide(input, output: output, settings: settings) { read in
                    progress?.update(completed: tiles + read, fractionDone: Double(index) / Double(inputs.count))
                }
                tiles += result.tiles
                record.status = .processed
                record.tiles = result.tiles
                record.error = result.warnings.map { "warning: \($0)" }.joined(separator: "; ")
                outcomes.append(.tiled(tiles: result.tiles))
            } catch {
                record.markFailed(error)
                outcomes.append(.failed("\(error)"))
            }
            try list.finish(record, startedAt: start)
        }
        progress?.update(completed: tiles, fractionDone: 1, detail: "\(inputs.count) slides")
        progress?.finish()
        return outcomes
    }

    /// Segments, tiles and writes one slide. `onTilesRead` reports export progress (tiles so far).
    /// - Throws: `SlideError`, `TilingError` or `StoreError`, each naming the file.
    public static func tileSlide(_ input: TileInput, output: URL, settings: TileSettings,
                                 onTilesRead: (Int) -> Void = { _ in }) throws -> (tiles: Int, warnings: [String]) {
        let override = (input.mppOverride ?? settings.mppOverride).map { MicronsPerPixel(x: $0, y: $0) }
        let opened = try settings.reading.open(path: input.path, mppOverride: override, readers: settings.readers)
        let slide = opened.slide
        let segmentation = try TissueSegmenter(parameters: settings.segmentation).segment(slide)
        let grid = try TileGrid(slide: slide, mask: segmentation.mask, parameters: settings.grid)
        var warnings = slide.warnings + segmentation.warnings.map(\.description)
        if grid.coordinates.isEmpty { warnings.append("no tile reaches the tissue threshold; check masks/\(input.slideID).png") }

        try writePNG(TilePictures.maskOverlay(segmentation), to: url(output, "masks", input.slideID, "png"))
        try writePNG(TilePictures.stitch(segmentation, grid: grid), to: url(output, "stitches", input.slideID, "png"))
        var coordinates = grid.coordinates
        var reading: TileReadProvenance?
        if settings.exportTiles || settings.verifyTiles {
            let folder = settings.exportTiles ? output.appendingPathComponent("tiles/\(input.slideID)") : nil
            let skipped = try readTiles(slide: slide, grid: grid, exportFolder: folder, settings: settings, onTilesRead: onTilesRead)
            if !skipped.isEmpty {
                // Unreadable tiles leave the patch file, so extraction never meets them.
                let unreadable = Set(skipped)
                coordinates.removeAll { unreadable.contains($0) }
                warnings.append("\(skipped.count) unreadable tiles skipped and left out of the patch file, "
                    + "first at level-0 (\(skipped[0].x), \(skipped[0].y))")
            }
            reading = TileReadProvenance(reader: opened.reader.rawValue, resampling: settings.reading.resamplingName(for: opened.reader),
                                         skippedTiles: skipped.count)
        }
        var patches = patchFile(slide: slide, slideID: input.slideID, grid: grid, coordinates: coordinates, settings: settings,
                                folder: output.appendingPathComponent("patches"))
        patches.metadata.reading = reading
        try patches.write(to: url(output, "patches", input.slideID, "h5"))
        return (coordinates.count, warnings)
    }

    /// The tile count of a slide whose outputs are complete and made with `settings`, else nil.
    static func completedTileCount(_ slideID: String, output: URL, settings: TileSettings) -> Int? {
        guard let patches = try? PatchFile.read(from: url(output, "patches", slideID, "h5")),
              patches.metadata.configHash == settings.fingerprint,
              FileManager.default.fileExists(atPath: url(output, "masks", slideID, "png").path),
              FileManager.default.fileExists(atPath: url(output, "stitches", slideID, "png").path)
        else { return nil }
        if settings.exportTiles {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("tiles/\(slideID)").path)) ?? []
            let expected = Set(patches.coordinates.map { "\($0.x)_\($0.y).png" })
            guard expected.isSubset(of: Set(names)) else { return nil }
        }
        return patches.coordinates.count
    }

    private static func patchFile(slide: Slide, slideID: String, grid: TileGrid, coordinates: [Level0Point], settings: TileSettings,
                                  folder: URL) -> PatchFile {
        let geometry = grid.geometry
        let level = slide.levels[geometry.level]
        let slideMpp = TargetResolution.level0MicronsPerPixel(slide: slide)
        let targetMpp = slideMpp.map { $0 * geometry.level0PixelsPerTargetPixel }
        let overlapAtLevel = Int((Double(settings.grid.overlap) * Double(geometry.readSize) / Double(geometry.tileSize)).rounded())
        let metadata = PatchFileMetadata(
            slideID: slideID, patchSize: geometry.readSize, patchLevel: geometry.level,
            downsample: (level.downsample, level.downsample), levelSize: (level.width, level.height),
            patchSizeLevel0: geometry.footprint, level0Size: slide.dimensions,
            level0Magnification: slide.objectivePower ?? slideMpp.map { 10 / $0 },
            targetMagnification: targetMpp.map { 10 / $0 }, overlap: overlapAtLevel, saveFolder: folder.path,
            mpp: slideMpp, targetMPP: targetMpp, tissueThreshold: settings.grid.minTissueFraction,
            producerVersion: SlideMILVersion.current, configHash: settings.fingerprint)
        return PatchFile(metadata: metadata, coordinates: coordinates.map { PatchCoordinate(x: $0.x, y: $0.y) })
    }

    /// Reads every kept tile through a `TileStream`, writing it as `<x>_<y>.png` into
    /// `exportFolder` when given; returns the unreadable tiles skipped (under `TileReadPolicy.skip`).
    private static func readTiles(slide: Slide, grid: TileGrid, exportFolder: URL?, settings: TileSettings,
                                  onTilesRead: (Int) -> Void) throws -> [Level0Point] {
        if let exportFolder { try FileManager.default.createDirectory(at: exportFolder, withIntermediateDirectories: true) }
        let stream = TileStream(slide: slide, geometry: grid.geometry, coordinates: grid.coordinates, batchSize: 32,
                                readers: settings.readers, queueDepth: 2 * settings.readers, policy: settings.badTilePolicy,
                                resampling: settings.reading.resampling)
        defer { stream.cancel() }
        var read = 0
        var skipped: [Level0Point] = []
        while let batch = try stream.next() {
            if let exportFolder {
                for (point, tile) in zip(batch.coordinates, batch.tiles) {
                    let image = RasterImage(width: tile.width, height: tile.height, format: .rgb, pixels: tile.pixels)
                    try writePNG(image, to: exportFolder.appendingPathComponent("\(point.x)_\(point.y).png"))
                }
            }
            read += batch.tiles.count
            skipped += batch.skipped.map(\.coordinate)
            onTilesRead(read)
        }
        return skipped
    }

    private static func url(_ output: URL, _ folder: String, _ slideID: String, _ ext: String) -> URL {
        output.appendingPathComponent(folder).appendingPathComponent("\(slideID).\(ext)")
    }

    static func writePNG(_ image: RasterImage, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(PNGCodec.encode(image), to: url)
    }
}
