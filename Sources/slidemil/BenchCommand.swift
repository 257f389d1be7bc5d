import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure SlideMIL's speed on this machine.",
        subcommands: [BenchEngineCommand.self, BenchExtractCommand.self]
    )
}
