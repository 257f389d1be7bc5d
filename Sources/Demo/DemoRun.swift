import Foundation
import MNISTRun
import Pipeline
import RunSupport
import Store

/// `slidemil demo`: writes (or reuses) synthetic slides, runs the whole slide pipeline on them
/// (`PipelineRun`), then a short MNIST-bags validation (`MNISTBagsPipeline`), and reports.
///
/// Output folder: `slides/` (the synthetic slides and `labels.csv`), the pipeline's files (see
/// `RunLayout`), `mnist.yaml` and `mnist/`, and `commands.sh` listing every step as a plain
/// `slidemil` command (`synth`, `tile`, `extract`, `train`, `predict`, `heatmap`, `mnist`).
/// When the slides are written afresh, earlier tiles, features, models, predictions and heatmaps
/// in the folder are removed first, since they belong to other slides of the same names.
public struct DemoRun {
    /// What the demo does.
    public var config: DemoConfig
    /// Where it writes (slides under `slides/`, the rest as the pipeline's).
    public var layout: RunLayout
    /// Draw progress lines on standard error.
    public var showProgress: Bool
    /// Receives one line per stage and per training epoch of the MNIST run.
    public var log: (String) -> Void

    /// A demo writing under `output` (created if missing).
    public init(config: DemoConfig, output: String, showProgress: Bool = isatty(STDERR_FILENO) == 1,
                log: @escaping (String) -> Void = { _ in }) {
        self.config = config
        self.layout = RunLayout(root: output)
        self.showProgress = showProgress
        self.log = log
    }

    /// Outputs of the slide stages, removed when the slides are written afresh.
    static let slideStageOutputs = ["patches", "masks", "stitches", "features", RunLayout.tileProcessList, RunLayout.extractProcessList,
                                    "splits", "mil", "predictions", "heatmaps"]

    /// Runs the demo.
    /// - Throws: the first error of a stage (`PipelineError`, `SlideError`, `SlideTrainError`,
    ///   `MNISTBagsError`, …), each naming the file or setting.
    public func run() throws -> DemoReport {
        let start = Date()
        try config.slides.validate()
        try config.pipeline.validate()
        let slidesFolder = layout.path("slides")
        let reused = DemoSlides.isPresent(config.slides, folder: slidesFolder)
        if reused {
            log("slides: reusing \(config.slides.count) synthetic slides in \(slidesFolder)")
        } else {
            for name in Self.slideStageOutputs where FileManager.default.fileExists(atPath: layout.path(name)) {
                try FileManager.default.removeItem(atPath: layout.path(name))
            }
            log("slides: writing \(config.slides.count) synthetic slides into \(slidesFolder)")
            try DemoSlides.prepare(config.slides, folder: slidesFolder,
                                   progress: ProgressReporter(label: "writing slides", unit: "tiles", enabled: showProgress))
        }

        let pipeline = try PipelineRun(config: config.pipeline, slides: slidesFolder,
                                       labels: (slidesFolder as NSString).appendingPathComponent("labels.csv"),
                                       output: layout.root, showProgress: showProgress, log: log).run()

        let mnistConfig = layout.path("mnist.yaml"), mnistFolder = layout.path("mnist")
        log("mnist: \(config.mnist.bags.trainingBags) training bags into \(mnistFolder)")
        try AtomicFile.write(Data(try ConfigLoader.yaml(config.mnist).utf8), to: URL(fileURLWithPath: mnistConfig))
        let mnist = try MNISTBagsPipeline(config: config.mnist, outputDirectory: URL(fileURLWithPath: mnistFolder),
                                          showProgress: showProgress, log: log).run()

        let commands = [synthCommand(folder: slidesFolder)] + pipeline.commands
            + [PipelineCommandLine(["mnist", "--config", mnistConfig, "--output", mnistFolder])]
        try AtomicFile.write(Data((commands.map(\.description).joined(separator: "\n") + "\n").utf8), to: URL(fileURLWithPath: layout.commands))
        return DemoReport(slides: config.slides, slidesReused: reused, pipeline: pipeline, mnist: mnist, mnistFolder: mnistFolder,
                          seconds: Date().timeIntervalSince(start), commands: commands)
    }

    private func synthCommand(folder: String) -> PipelineCommandLine {
        let slides = config.slides
        return PipelineCommandLine(["synth", folder, "--batch", "\(slides.count)", "--width", "\(slides.width)", "--height", "\(slides.height)",
                                    "--mpp", "\(slides.mpp)", "--seed", "\(slides.seed)", "--tumors", "\(slides.tumors)",
                                    "--quality", "\(slides.quality)"])
    }
}
