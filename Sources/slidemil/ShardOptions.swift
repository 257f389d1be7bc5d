import ArgumentParser
import RunSupport

/// `--shard K/N`: run one worker's share of the slides in an output folder other workers share
/// (tile, extract, predict --from-slides). Inside a Slurm array without it, the array task's
/// share (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`).
struct ShardOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Process shard K of N (1 <= K <= N) of the slides, balanced by file size, alongside other workers on the same output folder; each slide is claimed while processed, so workers never do one twice.",
        discussion: "Default inside a Slurm array: the array task's shard.", valueName: "K/N"))
    var shard: String?

    func validate() throws {
        do { _ = try resolve() } catch { throw ValidationError("\(error)") }
    }

    /// The shard to run, or nil to run every slide alone.
    func resolve() throws -> SlideShard? {
        try SlideShard.resolve(option: shard)
    }
}
