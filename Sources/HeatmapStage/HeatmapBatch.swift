import Foundation
import RunSupport
import Store

/// `slidemil heatmap` as a `SlideStage` run by `SlideBatchRunner`, for one slide (the command)
/// or a batch (the pipeline's held-out slides, whose attention files come from a predict folder
/// and patch files from a tile folder, both named by `RunLayout`). Heatmaps are drawn afresh
/// unless `resumesFinished`; a slide that fails gets a failed row in `process_list_heatmap.csv`
/// and the others go on.
public struct HeatmapBatch: SlideStage {
    /// How the heatmaps are drawn.
    public let settings: HeatmapSettings
    /// A slide's attention file.
    public let scores: (SlideEntry) -> URL
    /// A slide's patch file (its segmentation, tile size and level), if there is one.
    public let patches: (SlideEntry) -> URL?
    /// Where the heatmaps go.
    public let output: URL
    /// Keep a slide's heatmap when its row says processed and its picture is no older than its
    /// attention file (workers of one cluster run, whose settings are fixed by the run's config):
    /// a resubmitted task does not redraw what an earlier task drew. Off, every slide is drawn.
    public var resumesFinished = false

    public var progressLabel: String { "heatmaps" }
    public var processListName: String { RunLayout.heatmapProcessList }

    /// A batch drawing into `output` from the files `scores` and `patches` name for each slide.
    public init(settings: HeatmapSettings, scores: @escaping (SlideEntry) -> URL, patches: @escaping (SlideEntry) -> URL?, output: URL) {
        self.settings = settings
        self.scores = scores
        self.patches = patches
        self.output = output
    }

    /// A batch drawing into `output` from a predict folder's `attention/` and a tile folder's `patches/`.
    public init(settings: HeatmapSettings, predictions: RunLayout, tiles: RunLayout, output: URL) {
        self.init(settings: settings, scores: { predictions.attentionFile($0.slideID) }, patches: { tiles.patchFile($0.slideID) }, output: output)
    }

    public func completedTiles(of slide: SlideEntry) -> Int? {
        guard resumesFinished else { return nil }
        let manager = FileManager.default
        let picture = RunLayout(root: output.path).heatmapPicture(slide.slideID).path
        guard let drawn = (try? manager.attributesOfItem(atPath: picture))?[.modificationDate] as? Date,
              let scored = (try? manager.attributesOfItem(atPath: scores(slide).path))?[.modificationDate] as? Date,
              drawn >= scored,
              let list = try? ProcessList.load(from: output.appendingPathComponent(processListName)),
              let record = list.record(for: slide.slideID), record.status == .processed else { return nil }
        return record.tiles ?? 0
    }

    public func plannedTiles(of slide: SlideEntry) -> Int? { nil }

    /// Draws one slide's heatmap; the result counts its scored tiles.
    public func process(_ slide: SlideEntry, onTiles: (Int) -> Void) throws -> SlideResult {
        let outputs = try HeatmapPipeline.run(slidePath: slide.path, scoresURL: scores(slide),
                                              patchesURL: patches(slide), output: output,
                                              slideID: slide.slideID, settings: settings)
        onTiles(outputs.tiles)
        return SlideResult(tiles: outputs.tiles)
    }
}
