import Foundation
import Heatmap
import HeatmapStage
import SlideIO
import Store
import XCTest

/// Heatmaps must land where the tiles are: scores of 1 on the tiles inside a sample slide's
/// ground-truth tumour box must light up that box, at any picture scale.
final class HeatmapAlignmentTests: XCTestCase {
    private let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample")

    private struct Box { let x, y, width, height: Int }

    private func tumourBox(_ name: String) throws -> Box {
        let data = try Data(contentsOf: samples.appendingPathComponent("\(name).json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let box = try XCTUnwrap((root["tumor_boxes"] as? [[String: Int]])?.first)
        return Box(x: box["x"]!, y: box["y"]!, width: box["width"]!, height: box["height"]!)
    }

    func testHotPixelsFallInsideTheTumourBox() throws {
        for (name, canvas, tissueOnly) in [("synthetic_0", HeatmapSettings.Canvas.maximumSide(500), true),
                                           ("synthetic_2", .maximumSide(700), false)] {
            let slide = try OpenSlideSlide(path: samples.appendingPathComponent("\(name).tif").path)
            let box = try tumourBox(name)
            let side = 64
            var coordinates: [PatchCoordinate] = [], attention: [Float] = []
            var inside = (x0: Int.max, y0: Int.max, x1: Int.min, y1: Int.min)
            for y in stride(from: 0, to: slide.dimensions.height, by: side) {
                for x in stride(from: 0, to: slide.dimensions.width, by: side) {
                    let hot = x >= box.x && y >= box.y && x + side <= box.x + box.width && y + side <= box.y + box.height
                    coordinates.append(PatchCoordinate(x: x, y: y))
                    attention.append(hot ? 1 : 0)
                    if hot { inside = (min(inside.x0, x), min(inside.y0, y), max(inside.x1, x + side), max(inside.y1, y + side)) }
                }
            }
            XCTAssertGreaterThan(attention.filter { $0 == 1 }.count, 10)
            var settings = HeatmapSettings()
            settings.canvas = canvas
            settings.normalization = .minMax
            settings.tissueOnly = tissueOnly
            let rendering = try HeatmapRendering.render(
                slide: slide, scores: HeatmapScores(coordinates: coordinates, attention: attention),
                footprint: side, settings: settings, caption: name, source: name)

            var hot = 0, hotInBox = 0, hotInTissue = 0, expected = 0, both = 0
            for row in 0..<rendering.height {
                for column in 0..<rendering.width {
                    // Picture pixel centre in level-0 px.
                    let x = (Double(column) + 0.5) * rendering.downsampleX, y = (Double(row) + 0.5) * rendering.downsampleY
                    let isHot = rendering.values[row * rendering.width + column] > 0.5
                    let inBox = x >= Double(box.x) && x < Double(box.x + box.width) && y >= Double(box.y) && y < Double(box.y + box.height)
                    let inTiles = x >= Double(inside.x0) && x < Double(inside.x1) && y >= Double(inside.y0) && y < Double(inside.y1)
                    if isHot { hot += 1 }
                    if isHot && inBox { hotInBox += 1 }
                    if isHot && rendering.tissue[row * rendering.width + column] { hotInTissue += 1 }
                    if inTiles { expected += 1 }
                    if inTiles && isHot { both += 1 }
                }
            }
            XCTAssertGreaterThan(hot, 50, name)
            XCTAssertGreaterThanOrEqual(Double(hotInBox) / Double(hot), 0.9, "\(name): hot pixels inside the tumour box")
            XCTAssertGreaterThanOrEqual(Double(both) / Double(hot + expected - both), 0.9, "\(name): IoU with the hot tiles")
            XCTAssertGreaterThanOrEqual(Double(hotInTissue) / Double(hot), 0.9, "\(name): tumour lies on tissue")
        }
    }
}
