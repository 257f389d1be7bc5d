import Backbones
import Foundation
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
/// Batch behaviour mirrors `TilePipeline`: a slide is skipped on a rerun only when its feature
/// file is complete (`FeatureFile.status`), has as many rows as the patch file and carries the
/// same `config_hash`; a slide that fails gets a failed row in `process_list_extract.csv` with
/// the reason, and the batch goes on.
public enum ExtractPipeline {
    /// What happened to one slide in this run.
    public enum Outcome: Equatable, Sendable {
        case extracted(tiles: Int)
        case alreadyDone(tiles: Int)
        case failed(String)
    }

    /// Name of the process list written into the output folder.
    public static let processListName = "process_list_extract.csv"

    /// Extracts features for every slide of `inputs` into `output/features`, reading patch files
    /// from `patches` (default `output/patches`). Returns each slide's outcome in input order.
    /// - Parameter showProgress: draw a tiles/s + ETA line on stderr (default: when it is a terminal).
    /// - Throws: `TilePipelineError.duplicateSlideID`, `ExtractError.invalidSetting`, or a
    ///   `StoreError` when the process list cannot be read or written (per-slide problems never throw).
    public static func run(_ inputs: [TileInput], output: URL, patches: URL? = nil, model: ExtractModel,
                           settings: ExtractSettings, showProgress: Bool? = nil) throws -> [Outcome] {
        try settings.validate()
        var seen = Set<String>()
        for input in inputs where !seen.insert(input.slideID).inserted {
            throw TilePipelineError.duplicateSlideID(input.slideID)
        }
        let patchFolder = patches ?? output.appendingPathComponent("patches")
        let featureFolder = output.appendingPathComponent("features")
        try AtomicFile.createFolder(featureFolder)
        var list = try ProcessList.load(from: output.appendingPathComponent(processListName), adding: inputs.map(\.slideID))
        let fingerprint = settings.fingerprint(weightsChecksum: model.weightsChecksum)

        // First pass: what is already done, and how many tiles remain (for the ETA).
        var done: [Int?] = []
        var remaining = 0
        for input in inputs {
            let patchFile = try? PatchFile.read(from: patchURL(input, patchFolder))
            let patchCount = patchFile.map { plannedCount($0.coordinates.count, settings) }
            // A tile-size check that would fail is never skipped, so the mismatch is reported.
            let sizeFits = settings.tileSize == nil || patchFile.map { nominalTileSize($0.metadata) } == settings.tileSize
            let finished = patchCount.flatMap { count in
                sizeFits && isComplete(featureURL(input, featureFolder), tiles: count, fingerprint: fingerprint) ? count : nil
            }
            done.append(list.record(for: input.slideID)?.status == .processed ? finished : nil)
            if done.last! == nil { remaining += patchCount ?? 0 }
        }

        let progress = ProgressReporter(label: "extracting", unit: "tiles", total: remaining,
                                        enabled: showProgress ?? (isatty(STDERR_FILENO) == 1))
        let network = model.folded(workers: settings.workers)
        var outcomes: [Outcome] = []
        for (input, finished) in zip(inputs, done) {
            if let finished {
                outcomes.append(.alreadyDone(tiles: finished))
                continue
            }
            let start = Date()
            var record = ProcessRecord(slideID: input.slideID)
            do {
                let tiles = try extractSlide(input, patchFile: patchURL(input, patchFolder), destination: featureURL(input, featureFolder),
                                             network: network, model: model, settings: settings) { batch in
                    progress.advance(by: batch, detail: input.slideID)
                }
                record.status = .processed
                record.tiles = tiles
                outcomes.append(.extracted(tiles: tiles))
            } catch {
                record.markFailed(error)
                outcomes.append(.failed("\(error)"))
            }
            try list.finish(record, startedAt: start)
        }
        progress.finish()
        return outcomes
    }

    /// Extracts one slide's features into `destination` (committed atomically on success).
    /// `onBatch` receives the tile count of each finished batch. Returns the rows written.
    /// - Throws: `ExtractError` (no patch file, coordinates outside the slide, tile size or level
    ///   mismatch), `SlideError`, `TilingError.tileRead`, `StoreError`; each names the file.
    public static func extractSlide(_ input: TileInput, patchFile: URL, destination: URL, network: FoldedResNet,
                                    model: ExtractModel, settings: ExtractSettings,
                                    onBatch: (Int) -> Void = { _ in }) throws -> Int {
        guard FileManager.default.fileExists(atPath: patchFile.path) else {
            throw ExtractError.missingPatchFile(slide: input.slideID, path: patchFile.path)
        }
        let patches = try PatchFile.read(from: patchFile)
        let override = input.mppOverride.map { MicronsPerPixel(x: $0, y: $0) }
        let slide = try OpenSlideSlide(path: input.path, mppOverride: override)
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
                                    readSize: meta.patchSize, tileSize: settings.inputSize)
        let fedMpp = slideMpp.map { $0 * Double(geometry.footprint) / Double(settings.inputSize) }
        let metadata = FeatureFileMetadata(
            backbone: settings.backboneName, weights: model.weightsLabel, weightsChecksum: model.weightsChecksum,
            tileSize: settings.inputSize, patchSize: meta.patchSize, patchSizeLevel0: meta.patchSizeLevel0,
            magnification: meta.targetMagnification ?? slideMpp.map { 10 / ($0 * Double(geometry.footprint) / Double(nominalTileSize)) },
            mpp: fedMpp, normalization: settings.normalizationName, producerVersion: SlideMILVersion.current,
            configHash: settings.fingerprint(weightsChecksum: model.weightsChecksum))

        let points = patches.coordinates.prefix(plannedCount(patches.coordinates.count, settings)).map { Level0Point(x: $0.x, y: $0.y) }
        try AtomicFile.createFolder(destination.deletingLastPathComponent())
        let writer = try FeatureFileWriter(url: destination, dimension: network.configuration.outputWidth, metadata: metadata,
                                           requireFinite: true)
        let stream = TileStream(slide: slide, geometry: geometry, coordinates: Array(points), batchSize: settings.batchSize,
                                readers: settings.readers, queueDepth: settings.queueDepth, policy: .stop)
        defer { stream.cancel() }
        while let batch = try stream.next() {
            let features = network.forward(batch.tensor(mean: settings.mean, std: settings.std))
            try writer.append(features: features.storage, coordinates: batch.coordinates.map { PatchCoordinate(x: $0.x, y: $0.y) })
            onBatch(batch.tiles.count)
        }
        try writer.finish(expectedCount: points.count)
        return points.count
    }

    /// The patch side at the target resolution: the level-0 footprint scaled by slide mpp over
    /// target mpp when the patch file records both (SlideMIL's files, whose patches may be read
    /// larger and resized), else `patch_size` (CLAM, TRIDENT: read at the patch level as is).
    static func nominalTileSize(_ meta: PatchFileMetadata) -> Int {
        if let mpp = meta.mpp, let target = meta.targetMPP, mpp > 0, target > 0 {
            return Int((Double(meta.patchSizeLevel0) * mpp / target).rounded())
        }
        return meta.patchSize
    }

    /// Whether `url` holds a finished feature file with `tiles` rows made with `fingerprint`.
    static func isComplete(_ url: URL, tiles: Int, fingerprint: String) -> Bool {
        guard FeatureFile.status(at: url) == .complete(tileCount: tiles), let file = try? HDF5File.open(url) else { return false }
        defer { file.close() }
        return (try? file.dataset("features").attributes["config_hash"]?.stringValue) == fingerprint
    }

    private static func plannedCount(_ patchCount: Int, _ settings: ExtractSettings) -> Int {
        settings.maxTiles.map { min($0, patchCount) } ?? patchCount
    }

    private static func patchURL(_ input: TileInput, _ folder: URL) -> URL {
        folder.appendingPathComponent("\(input.slideID).h5")
    }

    private static func featureURL(_ input: TileInput, _ folder: URL) -> URL {
        folder.appendingPathComponent("\(input.slideID).h5")
    }
}
