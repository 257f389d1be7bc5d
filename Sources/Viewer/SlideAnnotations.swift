import Foundation
import Heatmap
import Raster
import SlideIO
import Store
import Tiling

/// What the viewer draws over a slide: the attention of each tile (from `attention/<id>.h5`) and
/// the outline of the tissue the tiles were cut from. Each is computed once per slide and kept.
final class SlideAnnotations: @unchecked Sendable {
    /// How many tiles each strip shows at most, from its end of the attention ranking.
    static let stripLength = 8

    private let run: ViewerRun
    private let images: SlideImageSource
    private let lock = NSLock()
    private var attention: [String: Data] = [:]
    private var outlines: [String: Data] = [:]

    init(run: ViewerRun, images: SlideImageSource) {
        self.run = run
        self.images = images
    }

    /// The slide's attention as JSON: `patchSize` (level-0 px), `coords` (x, y pairs, flat),
    /// `scores` (raw attention, same order), `top` and `bottom` (tile indices, highest and
    /// lowest attention first) and `probability`; `nil` when the run has no attention file for it.
    /// - Throws: the `HeatmapScoresError` or `StoreError` of an unreadable file.
    func attentionJSON(_ id: String) throws -> Data? {
        if let data = lock.withLock({ attention[id] }) { return data }
        guard run.slide(id)?.hasAttention == true else { return nil }
        let scores = try HeatmapScores.read(from: run.attentionFile(id))
        let order = scores.attention.indices.sorted { scores.attention[$0] > scores.attention[$1] }
        // Each strip takes at most half the tiles, so a small slide shows no tile in both.
        let count = min(Self.stripLength, max(1, order.count / 2))
        let payload = AttentionPayload(
            patchSize: scores.patchSizeLevel0 ?? Self.inferredPatchSize(scores.coordinates),
            coords: scores.coordinates.flatMap { [$0.x, $0.y] },
            scores: scores.attention.map { $0.isFinite ? $0 : 0 },
            top: Array(order.prefix(count)), bottom: Array(order.suffix(count).reversed()),
            probability: scores.probability)
        let data = try JSONEncoder().encode(payload)
        lock.withLock { attention[id] = data }
        return data
    }

    /// The tissue outline as a PNG over the whole slide (one pixel per pixel of the segmentation
    /// image): mask pixels with a background neighbour green, the rest black.
    /// The segmentation is the one the run's patch file records, else the defaults.
    func tissueOutlinePNG(_ id: String) throws -> Data? {
        if let data = lock.withLock({ outlines[id] }) { return data }
        guard let slide = try images.slide(id) else { return nil }
        var parameters = TissueSegmentationParameters()
        if let patches = run.patchFolder?.appendingPathComponent("\(id).h5"),
           FileManager.default.fileExists(atPath: patches.path),
           let record = try? PatchFile.read(from: patches).metadata.segmentation,
           let recorded = try? TissueSegmentationParameters(json: record) {
            parameters = recorded
        }
        let mask = try TissueSegmenter(parameters: parameters).segment(slide).mask.mask
        let data = try PNGCodec.encode(Self.outline(of: mask))
        lock.withLock { outlines[id] = data }
        return data
    }

    /// The boundary of `mask`: set pixels with an unset (or off-image) 4-neighbour in green, the
    /// rest black. The page draws it with "screen" compositing, under which black changes nothing.
    static func outline(of mask: BinaryMask) -> RGBImage {
        var image = RGBImage(width: mask.width, height: mask.height, fill: (0, 0, 0))
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask[x, y] {
                let edge = x == 0 || y == 0 || x == mask.width - 1 || y == mask.height - 1
                    || !mask[x - 1, y] || !mask[x + 1, y] || !mask[x, y - 1] || !mask[x, y + 1]
                if edge { image[x, y] = (40, 200, 90) }
            }
        }
        return image
    }

    /// The smallest positive step between tile corners, for files that do not record the tile side.
    static func inferredPatchSize(_ coordinates: [PatchCoordinate]) -> Int {
        var step = Int.max
        for axis in [coordinates.map(\.x), coordinates.map(\.y)] {
            let values = Array(Set(axis)).sorted()
            for (a, b) in zip(values, values.dropFirst()) { step = min(step, b - a) }
        }
        return step == Int.max ? 256 : step
    }
}

/// The attention of one slide as the slide page reads it.
struct AttentionPayload: Codable, Equatable {
    let patchSize: Int
    let coords: [Int]
    let scores: [Float]
    let top: [Int]
    let bottom: [Int]
    let probability: Double?
}
