import ArgumentParser
import Demo
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole tool in a few minutes: synthetic slides → tiles → features → MIL with cross-validation → heatmaps, then MNIST bags.",
        discussion: """
        Writes synthetic slides (or reuses those of an earlier run with the same settings), runs \
        'slidemil pipeline' on them (tile, extract with a random-init ResNet, train attention MIL \
        with cross-validation, predict held-out slides, heatmaps and top tiles), runs a short \
        'slidemil mnist', and ends with a table of results and output folders and the plain \
        commands that redo each step (also in OUTPUT/commands.sh). Without --config the built-in \
        settings are used; they equal configs/demo.yaml.

        Example: slidemil demo --output demo --set slides.count=32
        """
    )

    @Option(name: .long, help: "YAML config with sections slides, tile, extract, train, predict, heatmap, mnist (default: configs/demo.yaml's built-in values).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting, e.g. --set slides.count=32 (repeatable).")
    var overrides: [String] = []

    @Flag(name: .long, help: "Start from the smallest setting (6 small slides, 2 folds, tiny MNIST run; seconds) instead of the default.")
    var smallest = false

    @Option(name: .shortAndLong, help: "Output folder.")
    var output: String = "demo"

    func run() throws {
        do {
            let settings = try DemoConfig.load(file: config.map { URL(fileURLWithPath: $0) }, smallest: smallest, overrides: overrides)
            let report = try DemoRun(config: settings, output: output) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }.run()
            print("\n" + report.table)
            print("\nEach step as a plain command (slidemil is .build/release/slidemil after 'swift build -c release'):")
            report.commands.forEach { print("  \($0)") }
        } catch {
            FileHandle.standardError.write(Data("slidemil demo: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
