import Backbones
import ExtractStage
import Foundation
import RunSupport
import SlideIO
import Store
import Synth
import Tensor
import Tiling

/// `slidemil bench extract`: end-to-end extraction speed (read + resize + normalise + CNN +
/// write) against the same backbone's pure forward rate (the ceiling), and peak RSS on slides of
/// different sizes with the same number of tiles, to show memory does not follow slide size.
///
/// Uses a random-initialised backbone (speed does not depend on the weights) and synthetic slides
/// written into `workFolder`; each slide gets a patch file of `tiles` 256 px patches at level 1
/// (0.5 µm/px), spread evenly over the whole slide so reads touch all of it.
public struct ExtractBenchmark {
    /// What to measure.
    public struct Options: Sendable {
        /// Where the synthetic slides, patch and feature files go (reused when present).
        public var workFolder: URL
        /// Square slide sides, level-0 px (default 10 000 and 40 000).
        public var slideSides: [Int]
        /// Tiles extracted per slide (default 128).
        public var tiles: Int
        /// CNN cores (default 2).
        public var threads: Int
        /// Extraction settings (backbone, input size, batch size, readers, queue depth).
        public var settings: ExtractSettings

        public init(workFolder: URL, slideSides: [Int] = [10_000, 40_000], tiles: Int = 128, threads: Int = 2,
                    settings: ExtractSettings = ExtractSettings()) {
            self.workFolder = workFolder
            self.slideSides = slideSides
            self.tiles = tiles
            self.threads = threads
            self.settings = settings
        }
    }

    private let options: Options
    private let log: (String) -> Void

    public init(options: Options, log: @escaping (String) -> Void) {
        self.options = options
        self.log = log
    }

    /// Runs the measurements, logging one line each.
    /// - Throws: errors from synthesising, tiling or extracting the slides.
    public func run() throws {
        var settings = options.settings
        settings.workers = options.threads
        settings.maxTiles = nil
        let model = try ExtractModel(settings: settings)
        let network = model.encoder(workers: options.threads)
        try FileManager.default.createDirectory(at: options.workFolder, withIntermediateDirectories: true)
        log("backbone \(settings.backboneName) (\(model.weightsLabel)), input \(settings.inputSize) px, batch \(settings.batchSize), "
            + "\(settings.readers) readers, queue depth \(settings.queueDepth), \(options.threads) CNN threads")

        // All slides first, so synthesis leaves nothing behind in the measured runs' memory.
        let inputs = try options.slideSides.map { try prepareSlide(side: $0) }
        for (side, input) in zip(options.slideSides, inputs) {
            // The ceiling is measured right before each run, so both see the same machine load.
            let ceiling = pureForwardRate(network, settings: settings)
            let layout = RunLayout(root: options.workFolder.path)
            let destination = layout.featureFile(input.slideID)
            let before = Self.residentMiB(field: "VmRSS")
            Self.resetPeakResident()
            let cpuStart = Self.processorSeconds()
            let start = Date()
            let tiles = try ExtractPipeline.extractSlide(
                input, patchFile: layout.patchFile(input.slideID),
                destination: destination, network: network, model: model, settings: settings)
            let seconds = Date().timeIntervalSince(start)
            let rate = Double(tiles) / seconds
            let busyCores = (Self.processorSeconds() - cpuStart) / seconds
            let peak = Self.residentMiB(field: "VmHWM")
            log(String(format: "%d x %d slide: pure forward %.2f images/s; end to end %d tiles in %.1f s = %.2f tiles/s (%.0f%% of pure forward), "
                       + "%.2f cores busy; RSS before %.0f MiB, peak during %.0f MiB (+%.0f MiB)", side, side, ceiling, tiles, seconds, rate,
                       100 * rate / ceiling, busyCores, before, peak, peak - before))
        }
    }

    /// Images/s of the folded backbone alone on already-normalised batches (as many images as
    /// the slides' runs, in batches of `batchSize`, after one warm-up batch).
    private func pureForwardRate(_ network: any FeatureEncoder, settings: ExtractSettings) -> Double {
        var generator = SeededGenerator(seed: 1)
        let side = settings.inputSize
        let batch = Tensor(shape: [settings.batchSize, 3, side, side],
                           storage: (0..<(settings.batchSize * 3 * side * side)).map { _ in Float.random(in: -2...2, using: &generator) })
        _ = network.forward(batch)
        let batches = max(1, options.tiles / settings.batchSize)
        let start = Date()
        for _ in 0..<batches { _ = network.forward(batch) }
        return Double(batches * settings.batchSize) / Date().timeIntervalSince(start)
    }

    /// Writes (once) a synthetic slide of `side` x `side` px and its patch file.
    private func prepareSlide(side: Int) throws -> SlideEntry {
        let id = "bench_\(side)"
        let path = options.workFolder.appendingPathComponent("\(id).tif")
        if !FileManager.default.fileExists(atPath: path.path) {
            log("writing synthetic \(side) x \(side) slide ...")
            _ = try SynthSlides.run(SynthRequest(output: path.path, width: side, height: side, seed: 3, jpegQuality: 80))
        }
        let footprint = 512, perRow = Int(Double(options.tiles).squareRoot().rounded(.up))
        let step = (side - footprint) / max(perRow - 1, 1)
        let coordinates = (0..<options.tiles).map { PatchCoordinate(x: ($0 % perRow) * step, y: ($0 / perRow) * step) }
        let metadata = PatchFileMetadata(slideID: id, patchSize: 256, patchLevel: 1, downsample: (2, 2), levelSize: (side / 2, side / 2),
                                         level0Size: (side, side), mpp: 0.25, targetMPP: 0.5)
        let patches = options.workFolder.appendingPathComponent("patches")
        try FileManager.default.createDirectory(at: patches, withIntermediateDirectories: true)
        try PatchFile(metadata: metadata, coordinates: coordinates).write(to: patches.appendingPathComponent("\(id).h5"))
        return SlideEntry(path: path.path)
    }

    /// User + system CPU seconds of this process so far (all threads).
    static func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// `VmRSS` or `VmHWM` of this process in MiB (Linux; 0 elsewhere).
    static func residentMiB(field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib / 1024
    }

    /// Resets the kernel's peak-RSS mark (`VmHWM`) so the next peak belongs to the next run.
    static func resetPeakResident() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
