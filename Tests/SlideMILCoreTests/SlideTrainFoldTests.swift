import Foundation
import TrainStage
import XCTest

final class SlideTrainFoldTests: XCTestCase {
    func testKFoldIsStratifiedDisjointAndCoversEverySlide() throws {
        for (negatives, positives, k) in [(20, 10, 5), (7, 5, 3), (3, 3, 3), (13, 4, 4)] {
            let labels = [Bool](repeating: false, count: negatives) + [Bool](repeating: true, count: positives)
            let folds = try SlideFoldPlan.kFold(labels: labels, folds: k, validationFraction: 0.2, seed: 11)
            XCTAssertEqual(folds.count, k)
            XCTAssertEqual(folds.flatMap(\.test).sorted(), Array(labels.indices), "test folds must partition the slides")
            for fold in folds {
                let positiveCount = fold.test.filter { labels[$0] }.count
                XCTAssertTrue([positives / k, (positives + k - 1) / k].contains(positiveCount), "fold \(fold.number) positives \(positiveCount)")
                XCTAssertTrue([negatives / k, (negatives + k - 1) / k].contains(fold.test.count - positiveCount))
                XCTAssertTrue(abs(fold.test.count - labels.count / k) <= 1, "fold sizes within one")
                let parts = [Set(fold.training), Set(fold.validation), Set(fold.test)]
                XCTAssertEqual(parts.map(\.count).reduce(0, +), labels.count, "training, validation and test cover all")
                XCTAssertEqual(parts[0].union(parts[1]).union(parts[2]).count, labels.count, "and are disjoint")
                XCTAssertTrue(fold.training.contains { labels[$0] } && fold.training.contains { !labels[$0] }, "both classes train")
            }
        }
    }

    func testKFoldIsSeeded() throws {
        let labels = (0..<30).map { $0 % 3 == 0 }
        let a = try SlideFoldPlan.kFold(labels: labels, folds: 5, validationFraction: 0.1, seed: 1)
        XCTAssertEqual(a, try SlideFoldPlan.kFold(labels: labels, folds: 5, validationFraction: 0.1, seed: 1))
        XCTAssertNotEqual(a.map(\.test), try SlideFoldPlan.kFold(labels: labels, folds: 5, validationFraction: 0.1, seed: 2).map(\.test))
    }

    func testTooFewSlidesOfAClassForTheFolds() {
        let labels = [false, false, false, false, true, true]
        XCTAssertThrowsError(try SlideFoldPlan.kFold(labels: labels, folds: 3, validationFraction: 0, seed: 0)) { error in
            XCTAssertEqual(error as? SlideTrainError, .tooFewSlides(problem: "2 positive bags for 3 folds"))
        }
    }

    func testSplitColumnAndHoldOut() throws {
        let fold = try SlideFoldPlan.fromSplitColumn(["train", "val", "test", nil, "TRAIN", "other"])
        XCTAssertEqual(fold.training, [0, 4])
        XCTAssertEqual(fold.validation, [1])
        XCTAssertEqual(fold.test, [2])
        let labels = (0..<20).map { $0 < 15 }
        let holdOut = SlideFoldPlan.holdOut(labels: labels, validationFraction: 0.2, seed: 3)
        XCTAssertEqual(holdOut.validation.filter { labels[$0] }.count, 3, "20 % of 15 positives")
        XCTAssertEqual(holdOut.validation.filter { !labels[$0] }.count, 1, "20 % of 5 negatives")
        XCTAssertEqual(Set(holdOut.training).union(holdOut.validation).count, 20)
    }

    func testLabelMapping() throws {
        XCTAssertEqual(try SlideLabelMapping.infer(classes: ["tumor", "normal"], positive: nil), SlideLabelMapping(positive: "tumor", negative: "normal"))
        XCTAssertEqual(try SlideLabelMapping.infer(classes: ["0", "1"], positive: nil), SlideLabelMapping(positive: "1", negative: "0"))
        XCTAssertEqual(try SlideLabelMapping.infer(classes: ["luad", "lusc"], positive: nil).positive, "lusc")
        XCTAssertEqual(try SlideLabelMapping.infer(classes: ["tumor", "normal"], positive: "normal").positive, "normal")
        XCTAssertThrowsError(try SlideLabelMapping.infer(classes: ["a", "b", "c"], positive: nil))
        XCTAssertThrowsError(try SlideLabelMapping.infer(classes: ["a", "b"], positive: "c"))
    }
}

/// CLAM's `splits_<k>.csv`: columns of slide ids of unequal length.
final class SlideTrainSplitFileTests: XCTestCase {
    private func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splits-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testReadsCLAMSplitFile() throws {
        let url = try write(",train,val,test\n0,s1,s4,s5\n1,s2,,\n2,s3,,\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let fold = try SlideFoldPlan.fromSplitFile(url, ids: ["s5", "s1", "s2", "s3", "s4"], number: 2)
        XCTAssertEqual(fold, SlideFold(number: 2, training: [1, 2, 3], validation: [4], test: [0]))
    }

    func testUnknownOrRepeatedSlideIsNamed() throws {
        for (text, fragment) in [("train,val,test\ns1,s9,\n", "'s9' is not in the labels"), ("train,val,test\ns1,s1,\n", "'s1' is listed twice")] {
            let url = try write(text)
            defer { try? FileManager.default.removeItem(at: url) }
            XCTAssertThrowsError(try SlideFoldPlan.fromSplitFile(url, ids: ["s1", "s2"], number: 1)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
    }
}

/// Predefined folds from a labels `fold` column.
final class SlideTrainFoldColumnTests: XCTestCase {
    func testFoldColumnDefinesTestFolds() throws {
        let values: [String?] = ["10", "2", "2", "10", nil, "2", "10", "0", "0"]
        let labels = [true, false, true, false, true, false, true, false, true]
        let folds = try SlideFoldPlan.fromFoldColumn(values, labels: labels, validationFraction: 0.2, seed: 1)
        XCTAssertEqual(folds.map(\.test), [[7, 8], [1, 2, 5], [0, 3, 6]], "numeric order 0, 2, 10")
        for fold in folds {
            XCTAssertEqual(Set(fold.training).union(fold.validation).union(fold.test).count, 9)
            XCTAssertTrue(fold.training.contains(4) || fold.validation.contains(4), "bags without a fold are never tested")
            XCTAssertFalse(fold.test.contains(4))
        }
        XCTAssertThrowsError(try SlideFoldPlan.fromFoldColumn(["a", "a", nil], labels: [true, false, true], validationFraction: 0, seed: 0))
    }
}
