import Backbones
import Foundation
import Raster
import RunSupport
import SlideIO
import Store
import Tiling

/// `slidemil extract`: turns each slide's patch file into a feature file `features/<id>.h5`
/// (`features` float32 N x D, `coords` int64 N x 2 in patch-file order, provenance attributes),
/// the layout CLAM's `extract_features_fp.py` and TRIDENT write.
///
/// Per slide, a `TileStream` reads patches (`patch_size` px at `patch_level`, resized to the CNN
/// input size) on `readers` threads while this thread normalises each batch, runs the backbone
/// and appends the rows to an atomically committed `FeatureFileWriter`. Memory is bounded and
/// independent of slide size: roughly `(queueDepth + 1) x batchSize` tiles of
/// `readSize² x 3 + inputSize² x 3` bytes in the stream, one normalised batch of
/// `batchSize x 3 x inputSize² x 4` bytes, the backbone's weights and its one-image workspace
/// (about 100 MB for ResNet-50-truncated at 224), and one batch of features being written.
///
/// `SlideBatchRunner` drives the batch, as for `TilePipeline`: a slide is skipped on a rerun only
/// when its feature file is complete (`FeatureFile.status`), has as many rows as the patch file
/// and carries the same `config_hash`; a slide that fails gets a failed row in
/// `process_list_extract.csv` with the reason, and the batch goes on.
public struct ExtractPipeline: SlideStage {
    /// Name of the process list written into the output folder.
    public static let processListName = RunLayout.extractProcessList

    /// The CNN and its weights.
    public let model: ExtractModel
    /// What shapes the features.
    public let settings: ExtractSettings
    /// Where the patch files are read (`<id>.h5`).
    public let patchFolder: URL
    /// The output folder (`features/` goes under it).
    public let layout: RunLayout
    private let network: any FeatureEncoder
    private let fingerprint: String

    public var progressLabel: String { "extracting" }
    public var processListName: String { Self.processListName }

    /// The stage writing under `output`, reading patch files from `patches` (default
    /// `output/patches`).
    /// - Throws: `ExtractError.invalidSetting`.
    public init(model: ExtractModel, settings: ExtractSettings, output: URL, patches: URL? = nil) throws {
        try settings.validate()
        self.model = model
        self.settings = settings
        self.layout = RunLayout(root: output.path, featureFolder: settings.featureFolderName)
        self.patchFolder = patches ?? URL(fileURLWithPath: layout.patches)
        self.network = model.encoder(workers: settings.workers)
        self.fingerprint = settings.fingerprint(weightsChecksum: model.weightsChecksum)
    }

    /// Extracts features for every slide of `slides` into `output/features`, reading patch files
    /// from `patches` (default `output/patches`). Returns each slide's outcome in input order;
    /// `onOutcome` hears each as soon as it is known. With `shard`, only that shard's slides, as
    /// one of several workers sharing `output` (`SlideBatchRunner.sharedFolder`).
    /// - Parameter showProgress: draw a tiles/s + ETA line on stderr (default: when it is a terminal).
    /// - Throws: `ExtractError.invalidSetting`, `SlideListError` for duplicate or unsafe ids,
    ///   `OutputFolderLockError` when another run holds `output`, or a `StoreError` when the
    ///   process list cannot be read or written (per-slide problems never throw).
    public static func run(_ slides: [SlideEntry], output: URL, patches: URL? = nil, model: ExtractModel,
                           settings: ExtractSettings, shard: SlideShard? = nil, showProgress: Bool? = nil,
                           onOutcome: (SlideEntry, SlideOutcome) -> Void = { _, _ in }) throws -> [SlideOutcome] {
        let stage = try ExtractPipeline(model: model, settings: settings, output: output, patches: patches)
        return try SlideBatchRunner(slides: shard?.select(slides) ?? slides, output: output, sharedFolder: shard != nil,
                                    showProgress: showProgress ?? (isatty(STDERR_FILENO) == 1))
            .run(stage, onOutcome: onOutcome)
    }

    /// The patch file's row count (limited by `maxTiles`); 0 when it cannot be read.
    public func plannedTiles(of slide: SlideEntry) -> Int? {
        (try? PatchFile.read(from: patchURL(slide))).map { Self.plannedCount($0.coordinates.count, settings) } ?? 0
    }

    public func completedTiles(of slide: SlideEntry) -> Int? {
        guard let patchFile = try? PatchFile.read(from: patchURL(slide)) else { return nil }
        // A tile-size check that would fail is never skipped, so the mismatch is reported.
        guard settings.tileSize == nil || Self.nominalTileSize(patchFile.metadata) == settings.tileSize else { return nil }
        let count = Self.plannedCount(patchFile.coordinates.count, settings)
        return Self.isComplete(layout.featureFile(slide.slideID), tiles: count, fingerprint: fingerprint) ? count : nil
    }

    public func process(_ slide: SlideEntry, onTiles: (Int) -> Void) throws -> SlideResult {
        var done = 0
        let tiles = try Self.extractSlide(slide, patchFile: patchURL(slide), destination: layout.featureFile(slide.slideID),
                                          network: network, model: model, settings: settings) { batch in
            done += batch
            onTiles(done)
        }
        // `done` counts every tile the stream reached, read or skipped: no second read of the patch file.
        return SlideResult(tiles: tiles, warnings: tiles < done ? ["\(done - tiles) unreadable tiles skipped"] : [])
    }

    /// Extracts one slide's features into `destination` (committed atomically on success).
    /// `onBatch` receives the tile count of each finished batch. Returns the rows written (fewer
    /// than the patches when `settings.badTilePolicy` is `.skip` and tiles were unreadable).
    /// - Throws: `ExtractError` (no patch file, coordinates outside the slide, tile size or level
    ///   mismatch), `SlideError`, `TilingError.tileRead`, `StoreError`; each names the file.
    public static func extractSlide(_ input: SlideEntry, patchFile: URL, destination: URL, network: any FeatureEncoder,
                                    model: ExtractModel, settings: ExtractSettings,
                                    onBatch: (Int) -> Void = { _ in }) throws -> Int {
        guard FileManager.default.fileExists(atPath: patchFile.path) else {
            throw ExtractError.missingPatchFile(slide: input.slideID, path: patchFile.path)
        }
        let patches = try PatchFile.read(from: patchFile)
        let override = input.mppOverride.map { MicronsPerPixel(x: $0, y: $0) }
        let opened = try settings.reading.open(path: input.path, mppOverride: override, readers: settings.readers)
        let slide = opened.slide
        let meta = patches.metadata
        guard meta.patchLevel >= 0, meta.patchLevel < slide.levels.count else {
            throw ExtractError.missingLevel(slide: input.path, patchFile: patchFile.path, level: meta.patchLevel, levels: slide.levels.count)
        }
        let slideMpp = TargetResolution.level0MicronsPerPixel(slide: slide, override: override)
        let nominalTileSize = nominalTileSize(meta)
        if let wanted = settings.tileSize, wanted != nominalTileSize {
            throw ExtractError.tileSizeMismatch(slide: input.path, patchFile: patchFile.path, patchTileSize: nominalTileSize, requested: wanted)
        }
        let (width, height) = slide.dimensions
        let outside = patches.coordinates.filter { $0.x < 0 || $0.y < 0 || $0.x >= width || $0.y >= height }
        if let first = outside.first {
            throw ExtractError.coordinatesOutsideSlide(slide: input.path, patchFile: patchFile.path, count: outside.count,
                                                       first: first.description, width: width, height: height)
        }
        let geometry = TileGeometry(level: meta.patchLevel, levelDownsample: slide.levels[meta.patchLevel].downsample,
                                    readSize: meta.patchSize, outputSize: settings.inputSize)
        let fedMpp = slideMpp.map { $0 * Double(geometry.footprint) / Double(settings.inputSize) }
        let metadata = FeatureFileMetadata(
            backbone: settings.backboneName, weights: model.weightsLabel, weightsChecksum: model.weightsChecksum,
            inputSize: settings.inputSize, patchSize: meta.patchSize, patchSizeLevel0: meta.patchSizeLevel0,
            magnification: meta.targetMagnification ?? slideMpp.map { 10 / ($0 * Double(geometry.footprint) / Double(nominalTileSize)) },
            mpp: fedMpp, normalization: settings.normalizationName, producerVersion: SlideMILVersion.current,
            configHash: settings.fingerprint(weightsChecksum: model.weightsChecksum))

        let points = patches.coordinates.prefix(plannedCount(patches.coordinates.count, settings)).map { Level0Point(x: $0.x, y: $0.y) }
        try AtomicFile.createFolder(destination.deletingLastPathComponent())
        let writer = try FeatureFileWriter(url: destination, dimension: network.outputWidth, metadata: metadata,
                                           requireFinite: true)
        let unchanged = StainPassThroughCounter()
        let stain = settings.stain.map { normalization in { @Sendable (tile: RGBImage) in unchanged.apply(normalization, to: tile) } }
        let stream = TileStream(slide: slide, geometry: geometry, coordinates: Array(points), batchSize: settings.batchSize,
                                readers: settings.readers, queueDepth: settings.queueDepth, policy: settings.badTilePolicy,
                                resampling: settings.reading.resampling, transform: stain)
        defer { stream.cancel() }
        var skipped = 0
        while let batch = try stream.next() {
            skipped += batch.skipped.count
            if !batch.tiles.isEmpty {
                let features = network.forward(batch.tensor(mean: settings.mean, std: settings.std))
                try writer.append(features: features.storage, coordinates: batch.coordinates.map { PatchCoordinate(x: $0.x, y: $0.y) })
            }
            onBatch(batch.tiles.count + batch.skipped.count)
        }
        if settings.stain != nil {
            // Tiles the stain normalisation was ill-posed on and passed through unchanged.
            try writer.addDataset("stain_unchanged_tiles", values: [Int64(unchanged.count)], shape: [1])
        }
        try writer.record(TileReadProvenance(reader: opened.reader.rawValue, resampling: settings.reading.resamplingName(for: opened.reader),
                                             skippedTiles: skipped))
        try writer.finish(expectedCount: points.count - skipped)
        return points.count - skipped
    }

    /// The patch side at the target resolution: `target_tile_size` as the tile run recorded it;
    /// for files without it (older SlideMIL files) the level-0 footprint scaled by slide mpp over
    /// target mpp when both are recorded, else `patch_size` (CLAM, TRIDENT: read at the patch
    /// level as is).
    static func nominalTileSize(_ meta: PatchFileMetadata) -> Int {
        if let size = meta.targetTileSize { return size }
        if let mpp = meta.mpp, let target = meta.targetMPP, mpp > 0, target > 0 {
            return Int((Double(meta.patchSizeLevel0) * mpp / target).rounded())
        }
        return meta.patchSize
    }

    /// Whether `url` holds a finished feature file for `tiles` patches made with `fingerprint`
    /// (rows plus the unreadable tiles it records as skipped).
    static func isComplete(_ url: URL, tiles: Int, fingerprint: String) -> Bool {
        guard case let .complete(tileCount: rows) = FeatureFile.status(at: url), let file = try? HDF5File.open(url),
              let attributes = try? file.dataset("features").attributes else { return false }
        defer { file.close() }
        let skipped = Int(attributes["skipped_tiles"]?.integerValue ?? 0)
        return rows + skipped == tiles && attributes["config_hash"]?.stringValue == fingerprint
    }

    private static func plannedCount(_ patchCount: Int, _ settings: ExtractSettings) -> Int {
        settings.maxTiles.map { min($0, patchCount) } ?? patchCount
    }

    private func patchURL(_ slide: SlideEntry) -> URL {
        patchFolder.appendingPathComponent("\(slide.slideID).h5")
    }
}
