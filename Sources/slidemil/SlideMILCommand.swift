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
        subcommands: [DoctorCommand.self, MNISTCommand.self]
    )
}
