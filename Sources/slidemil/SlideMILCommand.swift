import ArgumentParser
import Foundation
import RunSupport
import Tensor

@main
struct SlideMILCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slidemil",
        abstract: "Multiple-instance learning for whole-slide pathology images.",
        discussion: """
        Tile slides, extract CNN features, train attention-MIL models and explain their predictions \
        with heatmaps, natively on CPU. Each stage reads the files of the one before and writes \
        files that CLAM and TRIDENT read too; tile and extract resume where a killed run stopped.

        The quickest look: slidemil demo (synthetic slides through every stage, about a minute).

        Your own labelled slides, stage by stage (docs/getting-started.md):
          slidemil tile slides/ --output run
          slidemil extract slides/ --output run --weights resnet50.safetensors
          slidemil train --labels labels.csv --features run/features --output run/mil
          slidemil predict --model run/mil --features run/features --output run/pred
          slidemil heatmap slides/s01.svs run/pred/attention/s01.h5 --output run/heat
        or every stage at once:
          slidemil pipeline --config configs/camelyon16.yaml --slides slides/ \
            --labels labels.csv --output run

        'slidemil help <command>' or 'slidemil <command> --help' shows a command's options.
        """,
        version: SlideMILVersion.current,
        subcommands: [
            SynthCommand.self,
            SlideInfoCommand.self,
            TileCommand.self,
            ExtractCommand.self,
            EncodersCommand.self,
            StainCommand.self,
            TrainCommand.self,
            PredictCommand.self,
            HeatmapCommand.self,
            MNISTCommand.self,
            PipelineCommand.self,
            ClusterCommand.self,
            DemoCommand.self,
            ViewCommand.self,
            BenchCommand.self,
            DoctorCommand.self,
            HelpMarkdownCommand.self,
            HelpSettingsCommand.self,
            ProbeSlideCommand.self,
        ]
    )

    /// Selects OpenBLAS kernels (possibly re-executing the process) before any command runs,
    /// then runs the command; errors leave as one line (`ErrorLine`) and a non-zero status.
    static func main() {
        // A log file or pipe gets every result line as it is printed, so a killed run's log
        // still lists the slides it finished.
        if isatty(STDOUT_FILENO) == 0 { setvbuf(stdout, nil, _IOLBF, 0) }
        OpenMPWaitPolicy.applyAtStartup()
        BLASCoreSelection.applyAtStartup()
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch {
            exit(withError: ErrorLine.wrap(error))
        }
    }
}
