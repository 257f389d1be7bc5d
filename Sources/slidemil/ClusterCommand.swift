import ArgumentParser

struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Run the pipeline on a Slurm cluster: an array job for tiling and extraction, training and prediction, an array job for heatmaps.",
        discussion: """
        'cluster submit' writes readable sbatch scripts under RUN/slurm/ and submits them; \
        'cluster status' shows where the run stands; 'cluster resubmit' submits what is unfinished. \
        The result equals 'slidemil pipeline' with the same config on one machine. See docs/cluster.md.
        """,
        subcommands: [ClusterSubmitCommand.self, ClusterStatusCommand.self, ClusterResubmitCommand.self, ClusterFeaturesCommand.self, ClusterHeatmapsCommand.self]
    )
}
