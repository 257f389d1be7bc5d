import ArgumentParser
import SlideMILCore

@main
struct SlideMILCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slidemil",
        abstract: "Multiple-instance learning for whole-slide pathology images.",
        discussion: """
        Tile slides, extract CNN features, train attention-MIL models and explain their predictions \
        with heatmaps, natively on CPU. Each stage reads the files of the one before and writes \
        files that CLAM and TRIDENT read too; tile and extract resume where a killed run stopped.

        A whole run on the bundled sample slides (see docs/getting-started.md):
          slidemil tile slides-sample --output runs/sample
          slidemil extract slides-sample --output runs/sample --weights resnet50.safetensors
          slidemil train --labels slides-sample/labels.csv --features runs/sample/features \\
            --output runs/sample/mil
          slidemil predict --model runs/sample/mil --features runs/sample/features \\
            --output runs/sample/predictions
          slidemil heatmap slides-sample/synthetic_0.tif \\
            runs/sample/predictions/attention/synthetic_0.h5 \\
            --patches runs/sample/patches/synthetic_0.h5 --output runs/sample/heatmaps

        'slidemil help <command>' or 'slidemil <command> --help' shows a command's options.
        """,
        version: SlideMILVersion.current,
        subcommands: [
            SynthCommand.self,
            SlideInfoCommand.self,
            TileCommand.self,
            ExtractCommand.self,
            TrainCommand.self,
            PredictCommand.self,
            HeatmapCommand.self,
            MNISTCommand.self,
            PipelineCommand.self,
            DemoCommand.self,
            BenchCommand.self,
            DoctorCommand.self,
            HelpMarkdownCommand.self,
        ]
    )

    /// Selects OpenBLAS kernels (possibly re-executing the process) before any command runs.
    static func main() {
        BLASCoreSelection.applyAtStartup()
        main(nil)
    }
}
