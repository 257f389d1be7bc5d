import Foundation

/// Every path a run folder holds, named once: what `tile` and `extract` write into their output
/// folder, what `predict` writes into its own, and the pipeline's folder that holds all of them.
/// Paths are spelt under the folder the way the user gave it (so printed commands read as typed:
/// `demo/features`, not an absolute path).
///
/// A pipeline folder: `slides.csv`, `pipeline.yaml`, the tile outputs (`patches/`, `masks/`,
/// `stitches/`, `tiles/`, `process_list.csv`), the extract outputs (`features/`,
/// `process_list_extract.csv`), `splits/`, `train.yaml`, `mil/`, `train.log`, `predictions/`
/// (a predict folder: `predictions.csv`, `attention/`), `heatmaps/` and `commands.sh`.
public struct RunLayout: Equatable, Sendable {
    /// The output folder as given.
    public let root: String
    /// Name of the feature folder: `features`, or `features_<encoder>` for the foundation-model
    /// presets (TRIDENT's naming; `ExtractSettings.featureFolderName`).
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

    /// The root as a file URL.
    public var rootURL: URL { URL(fileURLWithPath: root) }

    // MARK: tile

    /// `slidemil tile`'s process list.
    public static let tileProcessList = "process_list.csv"
    /// Patch files `<id>.h5`.
    public var patches: String { path("patches") }
    /// Tissue-outline thumbnails `<id>.png`.
    public var masks: String { path("masks") }
    /// Kept-tile pictures `<id>.png`.
    public var stitches: String { path("stitches") }
    /// A slide's patch file, as a path under `root`.
    public func patchPath(_ slideID: String) -> String { path("patches/\(slideID).h5") }
    /// A slide's patch file.
    public func patchFile(_ slideID: String) -> URL { URL(fileURLWithPath: patchPath(slideID)) }
    /// A slide's tissue-outline thumbnail.
    public func maskFile(_ slideID: String) -> URL { url("masks/\(slideID).png") }
    /// A slide's kept-tile picture.
    public func stitchFile(_ slideID: String) -> URL { url("stitches/\(slideID).png") }
    /// A slide's exported tiles `<x>_<y>.png` (with `--export-tiles`).
    public func tilesFolder(_ slideID: String) -> URL { url("tiles/\(slideID)") }

    // MARK: extract

    /// `slidemil extract`'s process list.
    public static let extractProcessList = "process_list_extract.csv"
    /// Feature files `<id>.h5`.
    public var features: String { path(featureFolder) }
    /// A slide's feature file.
    public func featureFile(_ slideID: String) -> URL { url("\(featureFolder)/\(slideID).h5") }

    // MARK: predict (in a predict folder)

    /// `slide_id,probability,predicted_label,tiles`.
    public var predictionsCSV: URL { url("predictions.csv") }
    /// A slide's attention file, which `slidemil heatmap` reads, as a path under `root`.
    public func attentionPath(_ slideID: String) -> String { path("attention/\(slideID).h5") }
    /// A slide's attention file.
    public func attentionFile(_ slideID: String) -> URL { URL(fileURLWithPath: attentionPath(slideID)) }

    // MARK: heatmap (in a heatmap folder)

    /// The pipeline's heatmap process list.
    public static let heatmapProcessList = "process_list_heatmap.csv"

    /// A slide's heatmap picture.
    public func heatmapPicture(_ slideID: String) -> URL { url("\(slideID)_heatmap.png") }
    /// A slide's tiles as QuPath polygons.
    public func geoJSONFile(_ slideID: String) -> URL { url("\(slideID).geojson") }
    /// A slide's highest- (`top_tiles`) or lowest-attention (`bottom_tiles`) tile pictures.
    public func exampleTilesFolder(_ kind: String, _ slideID: String) -> URL { url("\(kind)/\(slideID)") }

    // MARK: pipeline

    /// The slides of the run (`path,slide_id[,mpp]`, absolute paths): the tile and extract input.
    public var slidesCSV: String { path("slides.csv") }
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
    /// `slidemil predict`'s folder: `predictions.csv`, `attention/`.
    public var predictions: String { path("predictions") }
    /// The predict folder as a layout of its own.
    public var predictionsRun: RunLayout { RunLayout(root: predictions) }
    /// `slidemil heatmap` outputs of the held-out slides.
    public var heatmaps: String { path("heatmaps") }
    /// The plain commands equivalent to the run, one per line.
    public var commands: String { path("commands.sh") }
}
