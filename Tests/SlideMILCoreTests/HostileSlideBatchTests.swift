import Foundation
import ExtractStage
import RunSupport
import TileStage
import Store
import XCTest

/// A crafted slide fails alone: OpenSlide aborted the whole process (GLib cannot allocate 4 TiB)
/// on a TIFF whose tiles claim 1,048,576 px a side; now the batch goes on past it.
final class HostileSlideBatchTests: XCTestCase {
    func testCraftedTileSizeFailsOnlyItsSlide() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = folder.appendingPathComponent("slides")
        try FileManager.default.createDirectory(at: slides, withIntermediateDirectories: true)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tiff/generic_tables.tif")
        try FileManager.default.copyItem(at: fixture, to: slides.appendingPathComponent("b-good.tif"))

        // Level 0's TileWidth and TileLength (tags 322, 323) rewritten as LONG 1,048,576.
        var bytes = [UInt8](try Data(contentsOf: fixture))
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let directory = u32(4)
        for entry in 0..<u16(directory) {
            let base = directory + 2 + 12 * entry
            guard u16(base) == 322 || u16(base) == 323 else { continue }
            bytes.replaceSubrange(base + 2..<base + 12, with: [4, 0, 1, 0, 0, 0, 0, 0, 16, 0])
        }
        try Data(bytes).write(to: slides.appendingPathComponent("a-crafted.tif"))

        var settings = TileSettings()
        settings.grid.tileSize = 128
        settings.segmentation.minTissueArea = 0
        settings.verifyTiles = true
        let output = folder.appendingPathComponent("out")
        let outcomes = try TilePipeline.run(try SlideEntry.resolve(slides.path), output: output, settings: settings)
        guard case let .failed(reason) = outcomes[0] else { return XCTFail("\(outcomes[0])") }
        XCTAssertTrue(reason.contains("a-crafted.tif") && reason.contains("tile size 1048576 x 1048576 px"), reason)
        guard case let .processed(tiles) = outcomes[1] else { return XCTFail("\(outcomes[1])") }
        XCTAssertGreaterThan(tiles, 0)
        let list = try ProcessList.load(from: output.appendingPathComponent("process_list.csv"))
        XCTAssertEqual(list.records.map(\.status), [.failed, .processed])
    }
}
