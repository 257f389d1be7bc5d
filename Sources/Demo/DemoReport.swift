import Foundation
import MNISTRun
import Pipeline
import RunSupport

/// What `slidemil demo` did: the pipeline's report, the MNIST-bags metrics, and the commands.
public struct DemoReport: Sendable {
    /// The slides used.
    public var slides: DemoSlidesConfig
    /// Whether they were already there from an earlier run.
    public var slidesReused: Bool
    /// The slide pipeline's report (tiles, cross-validation, held-out AUC, heatmaps).
    public var pipeline: PipelineReport
    /// The MNIST-bags run's metrics.
    public var mnist: MNISTBagsMetrics
    /// The MNIST-bags run folder.
    public var mnistFolder: String
    /// Wall time of the whole demo in seconds.
    public var seconds: Double
    /// The plain commands equivalent to the demo, in order (also in the pipeline's `commands.sh`).
    public var commands: [PipelineCommandLine]

    /// The closing table: slides, each pipeline stage, MNIST bags and the wall time.
    public var table: String {
        let layout = pipeline.layout
        let tumours = (slides.count + 1) / 2
        var rows = [PipelineSummary.Row(
            "synthetic slides",
            "\(slides.count) of \(slides.width) x \(slides.height) px at \(slides.mpp) µm/px, \(tumours) with tumour (\(slidesReused ? "reused" : "written"))",
            layout.path("slides"))]
        rows += PipelineSummary.rows(pipeline)
        let bagAccuracy = String(format: "%.3f", mnist.testAccuracy)
        rows.append(PipelineSummary.Row("MNIST bags", "bag accuracy \(bagAccuracy), AUC \(PipelineSummary.number(mnist.testAUC)) on \(mnist.testBags) test bags",
                                        mnistFolder))
        rows.append(PipelineSummary.Row("total", "\(ProgressReporter.formatDuration(seconds)) wall time", layout.commands))
        return PipelineSummary.table(rows)
    }
}
