import Foundation
import Heatmap
import RunSupport
import SlideIO
import Store
import Tiling

/// `slidemil tile`: segments and tiles a batch of slides into CLAM/TRIDENT-compatible patch files.
///
/// Per slide it writes, each atomically, `masks/<id>.png`, `stitches/<id>.png`, optionally
/// `tiles/<id>/<x>_<y>.png`, and last `patches/<id>.h5` (whose `config_hash` ties it to the
/// settings). `SlideBatchRunner` drives the batch: it records each slide in `process_list.csv`,
/// skips a slide on a rerun only when its row says processed and its files are there, readable
/// and made with the same settings, and goes on past a slide that fails (its row says why).
public struct TilePipeline: SlideStage {
    /// What shapes the outputs.
    public let settings: TileSettings
    /// The output folder.
    public let output: URL

    public var progressLabel: String { "tiling" }
    public var processListName: String { RunLayout.tileProcessList }

    /// The stage writing under `output`.
    public init(settings: TileSettings, output: URL) {
        self.settings = settings
        self.output = output
    }

    /// Tiles every slide of `slides` into `output`, returning the outcome of each in input order;
    /// `onOutcome` hears each as soon as it is known. With `shard`, only that shard's slides, as
    /// one of several workers sharing `output` (`SlideBatchRunner.sharedFolder`).
    /// - Throws: `SlideListError` for duplicate or unsafe ids, `OutputFolderLockError` when
    ///   another run holds `output`, or a `StoreError` when the process list itself cannot be read
    ///   or written (per-slide problems never throw).
    public static func run(_ slides: [SlideEntry], output: URL, settings: TileSettings, shard: SlideShard? = nil,
                           showProgress: Bool = isatty(STDERR_FILENO) == 1,
                           onOutcome: (SlideEntry, SlideOutcome) -> Void = { _, _ in }) throws -> [SlideOutcome] {
        try settings.validate()
        return try SlideBatchRunner(slides: shard?.select(slides) ?? slides, output: output, sharedFolder: shard != nil, showProgress: showProgress)
            .run(TilePipeline(settings: settings, output: output), onOutcome: onOutcome)
    }

    public func plannedTiles(of slide: SlideEntry) -> Int? { nil }

    public func completedTiles(of slide: SlideEntry) -> Int? {
        Self.completedTileCount(slide.slideID, output: output, settings: settings)
    }

    public func process(_ slide: SlideEntry, onTiles: (Int) -> Void) throws -> SlideResult {
        let result = try Self.tileSlide(slide, output: output, settings: settings, onTilesRead: onTiles)
        return SlideResult(tiles: result.tiles, warnings: result.warnings)
    }

    /// Segments, tiles and writes one slide. `onTilesRead` reports export progress (tiles so far).
    /// - Throws: `SlideError`, `TilingError` or `StoreError`, each naming the file.
    public static func tileSlide(_ input: SlideEntry, output: URL, settings: TileSettings,
                                 onTilesRead: (Int) -> Void = { _ in }) throws -> (tiles: Int, warnings: [String]) {
        let layout = RunLayout(root: output.path)
        let override = (input.mppOverride ?? settings.mppOverride).map { MicronsPerPixel(x: $0, y: $0) }
        let opened = try settings.reading.open(path: input.path, mppOverride: override, readers: settings.readers)
        let slide = opened.slide
        let segmentation = try TissueSegmenter(parameters: settings.segmentation).segment(slide)
        let grid = try TileGrid(slide: slide, mask: segmentation.mask, parameters: settings.grid)
        var warnings = slide.warnings + segmentation.warnings.map(\.description)
        if grid.coordinates.isEmpty { warnings.append("no tile reaches the tissue threshold; check masks/\(input.slideID).png") }

        try OutputFiles.writePNG(TilePictures.maskOverlay(segmentation), to: layout.maskFile(input.slideID))
        try OutputFiles.writePNG(TilePictures.stitch(segmentation, grid: grid), to: layout.stitchFile(input.slideID))
        var coordinates = grid.coordinates
        var reading: TileReadProvenance?
        if settings.exportTiles || settings.verifyTiles {
            let folder = settings.exportTiles ? layout.tilesFolder(input.slideID) : nil
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
                                folder: URL(fileURLWithPath: layout.patches))
        patches.metadata.reading = reading
        try patches.write(to: layout.patchFile(input.slideID))
        return (coordinates.count, warnings)
    }

    /// The tile count of a slide whose outputs are complete and made with `settings`, else nil.
    static func completedTileCount(_ slideID: String, output: URL, settings: TileSettings) -> Int? {
        let layout = RunLayout(root: output.path)
        guard let patches = try? PatchFile.read(from: layout.patchFile(slideID)),
              patches.metadata.configHash == settings.fingerprint,
              FileManager.default.fileExists(atPath: layout.maskFile(slideID).path),
              FileManager.default.fileExists(atPath: layout.stitchFile(slideID).path)
        else { return nil }
        if settings.exportTiles {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.tilesFolder(slideID).path)) ?? []
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
        let overlapAtLevel = Int((Double(settings.grid.overlap) * Double(geometry.readSize) / Double(geometry.outputSize)).rounded())
        let metadata = PatchFileMetadata(
            slideID: slideID, patchSize: geometry.readSize, patchLevel: geometry.level,
            downsample: (level.downsample, level.downsample), levelSize: (level.width, level.height),
            patchSizeLevel0: geometry.footprint, level0Size: slide.dimensions,
            level0Magnification: slide.objectivePower ?? slideMpp.map { 10 / $0 },
            targetMagnification: targetMpp.map { 10 / $0 }, overlap: overlapAtLevel, saveFolder: folder.path,
            mpp: slideMpp, targetMPP: targetMpp, tissueThreshold: settings.grid.minTissueFraction,
            targetTileSize: geometry.outputSize, segmentation: settings.segmentation.json, producerVersion: SlideMILVersion.current, configHash: settings.fingerprint)
        return PatchFile(metadata: metadata, coordinates: coordinates.map { PatchCoordinate(x: $0.x, y: $0.y) })
    }

    /// Reads every kept tile through a `TileStream`, writing it as `<x>_<y>.png` into
    /// `exportFolder` when given; returns the unreadable tiles skipped (under `TileReadPolicy.skip`).
    private static func readTiles(slide: Slide, grid: TileGrid, exportFolder: URL?, settings: TileSettings,
                                  onTilesRead: (Int) -> Void) throws -> [Level0Point] {
        if let exportFolder { try AtomicFile.createFolder(exportFolder) }
        let stream = TileStream(slide: slide, geometry: grid.geometry, coordinates: grid.coordinates, batchSize: 32,
                                readers: settings.readers, queueDepth: 2 * settings.readers, policy: settings.badTilePolicy,
                                resampling: settings.reading.resampling)
        defer { stream.cancel() }
        var read = 0
        var skipped: [Level0Point] = []
        while let batch = try stream.next() {
            if let exportFolder {
                for (point, tile) in zip(batch.coordinates, batch.tiles) {
                    try OutputFiles.writePNG(tile, to: exportFolder.appendingPathComponent("\(point.x)_\(point.y).png"))
                }
            }
            read += batch.tiles.count
            skipped += batch.skipped.map(\.coordinate)
            onTilesRead(read)
        }
        return skipped
    }

}
