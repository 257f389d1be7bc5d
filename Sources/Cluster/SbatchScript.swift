import Foundation

/// The batch scripts of a cluster run, written to `RUN/slurm/` as plain files a user can read,
/// edit and `sbatch` again:
/// - `features.sbatch`, an array job: each task tiles and extracts its shard of the slides
///   (`slidemil cluster features`, which reads its shard from the array variables);
/// - `train.sbatch`: `slidemil pipeline --no-heatmaps` on the same folder and config, which
///   finds every feature file finished, then trains (cross-validation) and predicts the
///   held-out slides, as one machine would;
/// - `heatmaps.sbatch`, an array job: each task draws its shard of the held-out slides'
///   heatmaps (`slidemil cluster heatmaps`), reading each slide again, the costly part;
/// - `summary.sbatch`: `slidemil cluster status` into `slurm/summary.txt`, after the others
///   end however they end.
public enum SbatchScript: String, CaseIterable, Sendable {
    case features
    case train
    case heatmaps
    case summary

    /// Whether the script is an array job, one shard of the slides per task.
    public var isArray: Bool { self == .features || self == .heatmaps }

    /// The script's file name.
    public var fileName: String { rawValue + ".sbatch" }

    /// The script's text for `request`, whose config lives at `config`.
    public func text(_ request: ClusterRequest, config: String) -> String {
        let layout = ClusterLayout(run: request.output)
        var lines = ["#!/bin/bash", "# SlideMIL cluster run \(request.output): \(purpose)",
                     "# Written by 'slidemil cluster submit'; edit it and submit it again with sbatch if needed.",
                     "#SBATCH --job-name=slidemil-\(rawValue)"]
        if isArray { lines.append("#SBATCH --array=0-\(request.arraySize - 1)") }
        lines.append("#SBATCH --cpus-per-task=\(self == .summary ? 1 : request.cpusPerTask)")
        lines.append("#SBATCH --mem=\(self == .summary ? "1G" : request.memory)")
        lines.append("#SBATCH --time=\(self == .summary ? "0:10:00" : request.time)")
        if let partition = request.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = request.account { lines.append("#SBATCH --account=\(account)") }
        lines.append("#SBATCH --output=\(layout.logs)/\(rawValue)-\(isArray ? "%A_%a" : "%j").out")
        lines += request.extraArguments.map { "#SBATCH \($0)" }
        lines += ["", "set -euo pipefail",
                  "# BLAS and OpenMP pools follow the cores Slurm gave the task (slidemil's own pools read SLURM_CPUS_PER_TASK).",
                  "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\" OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"",
                  ""]
        let slidemil = Self.quoted(request.executable)
        let inputs = "--config \(Self.quoted(config)) --slides \(Self.quoted(request.slides)) --labels \(Self.quoted(request.labels)) --output \(Self.quoted(request.output))"
        // The shard is named from the task id, not Slurm's array count: a resubmitted subset
        // (`--array=1,3`) still cuts the slides into the run's N shards.
        let shard = "--shard \"$((SLURM_ARRAY_TASK_ID + 1))/\(request.arraySize)\""
        switch self {
        case .features:
            lines.append("exec \(slidemil) cluster features \(inputs) \(shard)")
        case .train:
            lines.append("exec \(slidemil) pipeline \(inputs) --no-heatmaps")
        case .heatmaps:
            lines.append("exec \(slidemil) cluster heatmaps \(inputs) \(shard)")
        case .summary:
            lines.append("# status exits 1 while the run is incomplete; the report is written either way.")
            lines.append("\(slidemil) cluster status \(Self.quoted(request.output)) > \(Self.quoted(layout.summary)).tmp || true")
            lines.append("mv \(Self.quoted(layout.summary)).tmp \(Self.quoted(layout.summary))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var purpose: String {
        switch self {
        case .features: return "tiling and feature extraction, one shard of the slides per array task."
        case .train: return "cross-validated training and held-out predictions (after every features task succeeded)."
        case .heatmaps: return "the held-out slides' heatmaps, one shard of them per array task (after training succeeded)."
        case .summary: return "the run's status, once the other jobs have ended."
        }
    }

    /// `text` single-quoted for bash.
    static func quoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
