import Foundation
import RunSupport
import Store

/// `slidemil heatmap` for a batch of slides (the pipeline's held-out slides), as a `SlideStage`
/// run by `SlideBatchRunner`: each slide's attention file comes from a predict folder and its
/// patch file from a tile folder, both named by `RunLayout`. Heatmaps are always drawn afresh;
/// a slide that fails gets a failed row in `process_list_heatmap.csv` and the others go on.
public struct HeatmapBatch: SlideStage {
    /// How the heatmaps are drawn.
    public let settings: HeatmapSettings
    /// The predict folder holding `attention/<id>.h5`.
    public let predictions: RunLayout
    /// The tile folder holding `patches/<id>.h5`.
    public let tiles: RunLayout
    /// Where the heatmaps go.
    public let output: URL

    public var progressLabel: String { "heatmaps" }
    public var processListName: String { RunLayout.heatmapProcessList }

    /// A batch drawing into `output` from these folders.
    public init(settings: HeatmapSettings, predictions: RunLayout, tiles: RunLayout, output: URL) {
        self.settings = settings
        self.predictions = predictions
        self.tiles = tiles
        self.output = output
    }

    public func completedTiles(of slide: SlideEntry) -> Int? { nil }

    public func plannedTiles(of slide: SlideEntry) -> Int? { nil }

    /// Draws one slide's heatmap; the result counts its scored tiles.
    public func process(_ slide: SlideEntry, onTiles: (Int) -> Void) throws -> SlideResult {
        let outputs = try HeatmapPipeline.run(slidePath: slide.path, scoresURL: predictions.attentionFile(slide.slideID),
                                              patchesURL: tiles.patchFile(slide.slideID), output: output,
                                              slideID: slide.slideID, settings: settings)
        onTiles(outputs.tiles)
        return SlideResult(tiles: outputs.tiles)
    }
}
