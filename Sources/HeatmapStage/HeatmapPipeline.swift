import Foundation
import Heatmap
import Raster
import RunSupport
import SlideIO
import Store
import Tiling

/// `slidemil heatmap`: draws one slide's attention and exports its tiles.
///
/// Writes into `output`, each file atomically: `<id>_heatmap.png` (slide picture, attention over
/// tissue, legend), `<id>.geojson` (one polygon per tile for QuPath), and the example tiles
/// `top_tiles/<id>/<rank>_<id>_x_<x>_y_<y>_a_<score>.png` and `bottom_tiles/<id>/...` (CLAM's
/// names, ranks from 0, read from the slide at the tile level). All or nothing: every tile is read
/// before the first file is written, and a failed write removes the files this run wrote.
public enum HeatmapPipeline {
    /// The files one run wrote.
    public struct Outputs: Equatable, Sendable {
        /// `<id>_heatmap.png`.
        public var heatmap: URL
        /// `<id>.geojson`.
        public var geoJSON: URL
        /// Highest-attention tile PNGs, rank 0 (highest) first.
        public var topTiles: [URL]
        /// Lowest-attention tile PNGs, rank 0 (lowest) first.
        public var bottomTiles: [URL]
        /// Tiles in the attention file.
        public var tiles: Int
    }

    /// Makes every output for one slide.
    /// - Parameters:
    ///   - slidePath: the slide file.
    ///   - scoresURL: attention file (`coords`, `attention`; see `HeatmapScores`).
    ///   - patchesURL: optional patch file: gives the tile size and level when the scores lack them.
    ///   - slideID: names the outputs; default the slide file name without extension.
    /// - Throws: `HeatmapPipelineError` for missing files and inconsistent scores, `StoreError`,
    ///   `SlideError` or `TilingError` from the steps, each naming the file.
    public static func run(slidePath: String, scoresURL: URL, patchesURL: URL? = nil, output: URL,
                           slideID: String? = nil, settings: HeatmapSettings = HeatmapSettings()) throws -> Outputs {
        guard FileManager.default.fileExists(atPath: slidePath) else { throw HeatmapPipelineError.slideMissing(path: slidePath) }
        let scores = try HeatmapScores.read(from: scoresURL).selecting(class: settings.attentionClass, path: scoresURL.path)
        let patches = try patchesURL.map { try PatchFile.read(from: $0) }
        guard let footprint = scores.patchSizeLevel0 ?? patches?.metadata.patchSizeLevel0, footprint > 0 else {
            throw HeatmapPipelineError.footprintUnknown(path: scoresURL.path)
        }
        let id = slideID ?? URL(fileURLWithPath: slidePath).deletingPathExtension().lastPathComponent
        let slide = try OpenSlideSlide(path: slidePath)
        let level = settings.tileLevel ?? min(patches?.metadata.patchLevel ?? 0, slide.levels.count - 1)
        guard slide.levels.indices.contains(level) else {
            throw HeatmapPipelineError.levelMissing(path: slidePath, level: level, levels: slide.levels.count)
        }
        var caption = id
        if let probability = scores.probability {
            let shown = settings.attentionClass ?? scores.classes?.predicted
            caption += "  \(shown.map { "\($0) " } ?? "")P = \(AttentionRanking.formatted(Float(probability), decimals: 3))"
        }
        var settings = settings
        settings.segmentation = try tissueSegmentation(settings, patches: patches, patchesPath: patchesURL?.path)
        let rendering = try HeatmapRendering.render(slide: slide, scores: scores, footprint: footprint, settings: settings,
                                                    caption: caption, source: scoresURL.path)
        let heatmapURL = output.appendingPathComponent("\(id)_heatmap.png")

        let percentiles = ScoreNormalization.percentiles(scores.attention)
        let features = scores.coordinates.indices.map { index in
            TileGeoJSON.Feature(footprint: TileFootprint(x: scores.coordinates[index].x, y: scores.coordinates[index].y, side: footprint),
                                attention: Double(scores.attention[index]), percentile: percentiles[index],
                                classification: settings.highAttentionClass.flatMap {
                                    percentiles[index] >= settings.highAttentionPercentile ? $0 : nil
                                })
        }
        let geoJSONURL = output.appendingPathComponent("\(id).geojson")

        // Every tile is read before anything is written: a slide whose tile cannot be read leaves
        // no heatmap, GeoJSON or partial tile folder behind.
        let side = max(1, Int((Double(footprint) / slide.levels[level].downsample).rounded()))
        func read(_ indices: [Int], folder: String) throws -> [(url: URL, image: RGBImage)] {
            try indices.enumerated().map { rank, index in
                let point = scores.coordinates[index]
                let name = AttentionRanking.clamTileName(rank: rank, slideID: id, x: point.x, y: point.y, score: scores.attention[index])
                let url = output.appendingPathComponent(folder).appendingPathComponent(id).appendingPathComponent(name)
                return (url, try slide.readRegion(level: level, x: point.x, y: point.y, width: side, height: side))
            }
        }
        let top = try read(AttentionRanking.top(settings.topK, of: scores.attention), folder: "top_tiles")
        let bottom = try read(AttentionRanking.bottom(settings.bottomK, of: scores.attention), folder: "bottom_tiles")

        var written: [URL] = []
        do {
            try OutputFiles.writePNG(rendering.image, to: heatmapURL)
            written.append(heatmapURL)
            try AtomicFile.write(TileGeoJSON(objectType: settings.geoJSONObjectType).encode(features), to: geoJSONURL)
            written.append(geoJSONURL)
            for tile in top + bottom {
                try OutputFiles.writePNG(tile.image, to: tile.url)
                written.append(tile.url)
            }
        } catch {
            // A failed write (a full disk) takes back this run's other files too.
            for url in written { try? FileManager.default.removeItem(at: url) }
            throw error
        }
        return Outputs(heatmap: heatmapURL, geoJSON: geoJSONURL, topTiles: top.map(\.url), bottomTiles: bottom.map(\.url),
                       tiles: scores.coordinates.count)
    }

    /// The segmentation the tissue mask is made with: `settings.segmentation` when set, else the
    /// one the patch file records (the tile run's), else the defaults.
    /// - Throws: `HeatmapPipelineError.badSegmentationRecord` when the record cannot be read.
    public static func tissueSegmentation(_ settings: HeatmapSettings, patches: PatchFile?,
                                          patchesPath: String?) throws -> TissueSegmentationParameters {
        if let chosen = settings.segmentation { return chosen }
        guard let record = patches?.metadata.segmentation else { return TissueSegmentationParameters() }
        do {
            return try TissueSegmentationParameters(json: record)
        } catch {
            throw HeatmapPipelineError.badSegmentationRecord(path: patchesPath ?? "patch file", record: record)
        }
    }
}
