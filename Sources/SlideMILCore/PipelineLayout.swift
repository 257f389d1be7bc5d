import Foundation

/// Where a pipeline run puts each stage's files, as paths under the output folder spelt the way
/// the user gave it (so the printed commands read as typed: `demo/features`, not an absolute path).
public struct PipelineLayout: Equatable, Sendable {
    /// The output folder as given.
    public let root: String
    /// Name of the feature folder (`ExtractSettings.featureFolderName`).
    public let featureFolder: String

    /// A layout under `root` whose features go to `featureFolder`.
    public init(root: String, featureFolder: String = "features") {
        self.root = root
        self.featureFolder = featureFolder
    }

    /// `<root>/<relative>`.
    public func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// `path(relative)` as a file URL.
    public func url(_ relative: String) -> URL { URL(fileURLWithPath: path(relative)) }

    /// The slides of the run (`path,slide_id[,mpp]`, absolute paths): the tile and extract input.
    public var slidesCSV: String { path("slides.csv") }
    /// `slidemil tile` outputs: `patches/`, `masks/`, `stitches/`, `process_list.csv`.
    public var patches: String { path("patches") }
    /// `slidemil extract` outputs: `features/` (`features_<encoder>/` for the ViT presets), `process_list_extract.csv`.
    public var features: String { path(featureFolder) }
    /// Labels of the slides trained on (`slide_id,label`).
    public var trainingLabels: String { path("splits/train.csv") }
    /// Labels of the held-out slides (`slide_id,label`).
    public var heldOutLabels: String { path("splits/held_out.csv") }
    /// The effective `train` section, given to `slidemil train --config`.
    public var trainConfig: String { path("train.yaml") }
    /// The effective pipeline config.
    public var pipelineConfig: String { path("pipeline.yaml") }
    /// `slidemil train`'s run folder.
    public var model: String { path("mil") }
    /// Per-epoch training lines of every fold.
    public var trainLog: String { path("train.log") }
    /// `slidemil predict` outputs: `predictions.csv`, `attention/`.
    public var predictions: String { path("predictions") }
    /// `slidemil heatmap` outputs of the held-out slides.
    public var heatmaps: String { path("heatmaps") }
    /// The plain commands equivalent to the run, one per line.
    public var commands: String { path("commands.sh") }
}
