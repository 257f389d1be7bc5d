import Pipeline
import Store
import XCTest

final class PipelineHoldOutTests: XCTestCase {
    private func table(_ labels: [String], splits: [String?]? = nil) -> SlideLabelTable {
        SlideLabelTable(entries: labels.enumerated().map { index, label in
            SlideLabel(slideID: "s\(index)", label: label, split: splits?[index])
        })
    }

    func testFractionHoldsOutTheRoundedShareOfEachClassInFileOrder() throws {
        let labels = (0..<12).map { $0 % 3 == 0 ? "tumor" : "normal" }  // 4 tumour, 8 normal
        let split = try PipelineHoldOut.split(table(labels), fraction: 0.25, seed: 3, source: "labels.csv")
        XCTAssertEqual(split.heldOut.filter { $0.label == "tumor" }.count, 1)
        XCTAssertEqual(split.heldOut.filter { $0.label == "normal" }.count, 2)
        XCTAssertEqual(Set(split.training.map(\.slideID)).union(split.heldOut.map(\.slideID)).count, 12)
        XCTAssertTrue(Set(split.training.map(\.slideID)).isDisjoint(with: split.heldOut.map(\.slideID)))
        XCTAssertEqual(split.heldOut.map(\.slideID), split.heldOut.map(\.slideID).sorted { Int($0.dropFirst())! < Int($1.dropFirst())! })
        let again = try PipelineHoldOut.split(table(labels), fraction: 0.25, seed: 3, source: "labels.csv")
        XCTAssertEqual(again.heldOut, split.heldOut)
    }

    func testTestSplitRowsAreHeldOutWhateverTheFraction() throws {
        let split = try PipelineHoldOut.split(table(["tumor", "normal", "tumor", "normal"], splits: ["train", "test", "test", "val"]),
                                              fraction: 0.5, seed: 0, source: "labels.csv")
        XCTAssertEqual(split.heldOut.map(\.slideID), ["s1", "s2"])
        XCTAssertEqual(split.training.map(\.slideID), ["s0", "s3"])
    }

    func testZeroFractionTrainsOnEverySlide() throws {
        let split = try PipelineHoldOut.split(table(["tumor", "normal"]), fraction: 0, seed: 0, source: "labels.csv")
        XCTAssertEqual(split.training.count, 2)
        XCTAssertTrue(split.heldOut.isEmpty)
    }

    func testOneSlidePerClassLeavesNothingToHoldOut() {
        XCTAssertThrowsError(try PipelineHoldOut.split(table(["tumor", "normal"]), fraction: 0.3, seed: 0, source: "labels.csv")) { error in
            guard case PipelineError.tooFewSlides? = error as? PipelineError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try PipelineHoldOut.split(table(["tumor", "tumor"]), fraction: 0.3, seed: 0, source: "labels.csv"))
    }
}
