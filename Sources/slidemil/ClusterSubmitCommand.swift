import ArgumentParser
import Cluster
import Foundation
import Pipeline

struct ClusterSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Write the run's sbatch scripts under OUTPUT/slurm/ and submit them.",
        discussion: """
        Jobs: features.sbatch, an array of --array-size tasks, each tiling and extracting its share \
        of the labelled slides (balanced by file size); train.sbatch after every task succeeded \
        (--dependency=afterok): 'slidemil pipeline --no-heatmaps' on the same folder, which finds \
        the features done, trains and predicts the held-out slides; heatmaps.sbatch after it, an \
        array of --array-size tasks each drawing its share of the held-out slides' heatmaps \
        ('slidemil cluster heatmaps'); summary.sbatch after them however they end: 'slidemil \
        cluster status' into slurm/summary.txt. Prints the job \
        ids. Every path must be on a filesystem the compute nodes share, and so must this \
        slidemil executable (see 'make dist').

        Example: slidemil cluster submit --config configs/camelyon16.yaml --slides slides/ \
        --labels labels.csv --output runs/c16 --array-size 16 --cpus-per-task 8 --mem 16G --partition cpu
        """
    )

    @Option(name: .long, help: "Pipeline config (sections tile, extract, train, predict, heatmap; default: built-in settings).")
    var config: String?

    @Option(name: .long, help: "A folder of slides, or a CSV with a 'path' column.")
    var slides: String

    @Option(name: .long, help: "Labels CSV: slide_id,label[,split]; only these slides are processed.")
    var labels: String

    @Option(name: .shortAndLong, help: "Run folder, on a filesystem every node shares.")
    var output: String

    @Option(name: .customLong("array-size"), help: "Array tasks for tiling and extraction, and for heatmaps (shards of the slides).")
    var arraySize = 4

    @Option(help: "Slurm partition (default: the cluster's).")
    var partition: String?

    @Option(help: "Slurm account (default: yours).")
    var account: String?

    @Option(name: .customLong("cpus-per-task"), help: "Cores per job; threads follow SLURM_CPUS_PER_TASK.")
    var cpusPerTask = 4

    @Option(help: "Memory per job, as sbatch takes it (e.g. 8G).")
    var mem = "8G"

    @Option(help: "Time limit per job, as sbatch takes it (e.g. 4:00:00).")
    var time = "4:00:00"

    @Option(name: .customLong("sbatch-arg"), help: "Another #SBATCH argument for every job, e.g. --qos=long (repeatable).")
    var sbatchArguments: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Only write the scripts; submit nothing.")
    var dryRun = false

    func run() throws {
        do {
            let settings = try PipelineConfig.load(file: config.map { URL(fileURLWithPath: $0) })
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
            let request = ClusterRequest(slides: slides, labels: labels, output: output, arraySize: arraySize, partition: partition,
                                         account: account, cpusPerTask: cpusPerTask, memory: mem, time: time,
                                         extraArguments: sbatchArguments, executable: executable)
            let layout = try ClusterSubmission.prepare(request, config: settings)
            guard !dryRun else {
                print("scripts written to \(layout.folder); submit them with 'slidemil cluster resubmit \(output)' or sbatch")
                return
            }
            for job in try ClusterSubmission.submit(layout, slurm: Slurm()) {
                print("\(job.script.rawValue)\t\(job.id)\(job.array.isEmpty ? "" : "\tarray \(job.array)")")
            }
        } catch {
            FileHandle.standardError.write(Data("slidemil cluster submit: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
