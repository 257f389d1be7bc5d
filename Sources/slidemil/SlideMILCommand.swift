import ArgumentParser
import SlideMILCore

@main
struct SlideMILCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slidemil",
        abstract: "Multiple-instance learning for whole-slide pathology images.",
        discussion: """
        Tile slides, extract CNN features, train attention-MIL models and explain their predictions \
        with heatmaps, natively on CPU.
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
        ]
    )

    /// Selects OpenBLAS kernels (possibly re-executing the process) before any command runs.
    static func main() {
        BLASCoreSelection.applyAtStartup()
        main(nil)
    }
}
