import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure SlideMIL's speed on this machine.",
        discussion: """
        Build with -c release before measuring: debug builds are 10-100 times slower. \
        docs/benchmarks.md lists the figures measured so far and the commands behind them.

        Examples:
          slidemil bench engine --repetitions 2
          slidemil bench extract bench-work --sides 10000,40000 --max-tiles 128
          slidemil bench encoders --models vit-b16 --batch 32
          slidemil bench tiling bench-work --readers 2
          slidemil bench viewer big100k.tif bench-work
        """,
        subcommands: [BenchEngineCommand.self, BenchExtractCommand.self, BenchEncodersCommand.self, BenchTilingCommand.self,
                      BenchViewerCommand.self]
    )
}
