import XCTest
import Tiling

final class MorphologyTests: XCTestCase {
    private func mask(_ rows: [String]) -> BinaryMask {
        BinaryMask(width: rows[0].count, height: rows.count, bits: rows.joined().map { $0 == "#" ? 1 : 0 })
    }

    func testDilationOfAPixelIsTheKernelSquare() {
        let single = mask([".....", ".....", "..#..", ".....", "....."])
        XCTAssertEqual(single.dilated(kernel: 3), mask([".....", ".###.", ".###.", ".###.", "....."]))
        XCTAssertEqual(single.dilated(kernel: 3).eroded(kernel: 3), single)
    }

    func testEvenKernelClosingDoesNotShift() {
        let single = mask(["......", "......", "..#...", "......", "......", "......"])
        XCTAssertEqual(single.closed(kernel: 4), single)
    }

    func testClosingBridgesANarrowGapButNotAWideOne() {
        // Two-pixel margins: near the border, closing sticks shapes to it (outside pixels do not erode).
        let narrow = mask(["...........", "...........", "..###.###..", "..###.###..", "..###.###..", "...........", "..........."])
        XCTAssertEqual(narrow.closed(kernel: 3),
                       mask(["...........", "...........", "..#######..", "..#######..", "..#######..", "...........", "..........."]))
        let wide = mask(["............", "............", "..###...###.", "..###...###.", "..###...###.", "............", "............"])
        XCTAssertEqual(wide.closed(kernel: 3).bits[3 * 12 + 6], 0)
        XCTAssertEqual(wide.closed(kernel: 3).bits[3 * 12 + 5], 0)
    }

    func testClosingNearTheBorderReachesIt() {
        let nearEdge = mask([".....", ".###.", ".###.", "....."])
        XCTAssertEqual(nearEdge.closed(kernel: 3), BinaryMask(width: 5, height: 4, value: true))
    }

    func testErosionAtTheBorderIgnoresOutsidePixels() {
        let full = BinaryMask(width: 4, height: 3, value: true)
        XCTAssertEqual(full.eroded(kernel: 3), full)
    }

    func testRegionsCountAreasAndHoles() {
        let picture = mask([
            "...........",
            ".#####..##.",
            ".#...#..##.",
            ".#.#.#.....",
            ".#...#.....",
            ".#####.....",
            "...........",
        ])
        let regions = picture.regions
        XCTAssertEqual(regions.count, 3)
        let ring = regions[0]
        XCTAssertEqual([ring.x, ring.y, ring.width, ring.height], [1, 1, 5, 5])
        XCTAssertEqual(ring.area, 16)
        XCTAssertEqual(ring.holeCount, 1)
        XCTAssertEqual(ring.holeArea, 8) // the 3x3 inside minus the island
        let square = regions[1]
        XCTAssertEqual([square.x, square.y, square.area, square.holeCount], [8, 1, 4, 0])
        let island = regions[2]
        XCTAssertEqual([island.x, island.y, island.area, island.holeCount], [3, 3, 1, 0])
    }

    func testDiagonalOutlineStillEnclosesAHole() {
        let diamond = mask([".....", "..#..", ".#.#.", "..#..", "....."])
        XCTAssertEqual(diamond.regions.count, 1)
        XCTAssertEqual(diamond.regions[0].holeCount, 1)
    }

    func testSmallPiecesGoAndSmallHolesAreFilled() {
        let picture = mask([
            "............",
            ".######.....",
            ".#....#..#..",
            ".#....#.....",
            ".######.....",
            "............",
            ".###.###....",
            ".#.#.#######",
            ".###.#######",
        ])
        // The ring (16 px, 8 px hole) stays with its hole; the 1 px speck goes; the left 3x3 ring
        // (8 px) has a 1 px hole that is filled; the right piece touches the border, no hole.
        let (cleaned, relaxed) = picture.removingSmallComponents(minTissuePixels: 5, minHolePixels: 2)
        XCTAssertNil(relaxed)
        XCTAssertEqual(cleaned, mask([
            "............",
            ".######.....",
            ".#....#.....",
            ".#....#.....",
            ".######.....",
            "............",
            ".###.###....",
            ".###.#######",
            ".###.#######",
        ]))
    }

    func testEverythingTooSmallRelaxesTheLimitToATenthOfTheLargest() {
        // Pieces of 1, 2 and 20 px, all below 100: the limit becomes 2, the speck goes.
        let picture = mask(["#.##......", "..........", "....#####.", "....#####.", "....#####.", "....#####."])
        let (cleaned, relaxed) = picture.removingSmallComponents(minTissuePixels: 100, minHolePixels: 0)
        XCTAssertEqual(relaxed, 2)
        XCTAssertEqual(cleaned, mask(["..##......", "..........", "....#####.", "....#####.", "....#####.", "....#####."]))
    }
}
