import ArgumentParser
import Pipeline

/// `slidemil help-settings`: the pipeline config's keys with default, range and meaning as a
/// Markdown table, the block of docs/configuration.md between its `settings-table` markers.
/// Hidden from `slidemil --help`; a test fails when the committed block differs.
struct HelpSettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "help-settings",
        abstract: "Print the pipeline config's keys as a Markdown table (the block of docs/configuration.md).",
        shouldDisplay: false
    )

    func run() {
        print(PipelineSettingsTable.markdown(), terminator: "")
    }
}
