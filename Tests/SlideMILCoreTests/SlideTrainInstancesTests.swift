import Foundation
import Tensor
import TrainStage
import XCTest

/// Generic MIL bags from an instances CSV, as classic benchmarks (Musk) are distributed.
final class SlideTrainInstancesTests: XCTestCase {
    private func writeCSV(_ text: String) throws -> (URL, URL) {
        let folder = try SyntheticSlides.temporaryFolder()
        let url = folder.appendingPathComponent("bags.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (folder, url)
    }

    func testReadsBagsInFirstSeenOrder() throws {
        let (folder, url) = try writeCSV("bag_id,name,f1,label,f2\nb,x,1,pos,2\na,y,3,neg,4\nb,z,5,pos,6\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try SlideBagSet.loadInstances(csv: url, ignoredColumns: ["name"], positiveClass: "pos")
        XCTAssertEqual(data.ids, ["b", "a"])
        XCTAssertEqual(data.bags.labels, [true, false])
        XCTAssertEqual(try data.bags.bag(0).shape, [2, 2])
        XCTAssertEqual(try data.bags.bag(0).storage, [1, 2, 5, 6])
        XCTAssertEqual(try data.bags.bag(1).storage, [3, 4])
    }

    func testMalformedInstances() throws {
        for (text, fragment) in [("bag_id,label,f\nb,1,2\nb,0,3\n", "labelled '1' earlier and '0' here"),
                                 ("bag_id,label,f\nb,1,abc\n", "not a finite number"),
                                 ("bag_id,label,f\nb,1,nan\n", "not a finite number"),
                                 ("bag,label,f\nb,1,2\n", "needs 'bag_id' and 'label'")] {
            let (folder, url) = try writeCSV(text)
            defer { try? FileManager.default.removeItem(at: folder) }
            XCTAssertThrowsError(try SlideBagSet.loadInstances(csv: url, positiveClass: nil)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
                XCTAssertTrue("\(error)".contains("bags.csv:"), "names the file and line")
            }
        }
    }

    /// Musk-like data: 40 bags of 4-12 instances in 6 dimensions; a positive bag holds one
    /// instance near a fixed "active conformation". Cross-validation must find it.
    func testCrossValidationOnInstancesCSV() throws {
        var generator = SeededGenerator(seed: 3)
        var lines = ["bag_id,label,f1,f2,f3,f4,f5,f6"]
        for bag in 0..<40 {
            let positive = bag % 2 == 1
            let count = 4 + Int(generator.next() % 9)
            for row in 0..<count {
                let active = positive && row == count / 2
                let values = (0..<6).map { j in generator.nextNormal() + (active && j < 3 ? 4 : 0) }
                lines.append("mol\(bag),\(positive ? 1 : 0)," + values.map { String($0) }.joined(separator: ","))
            }
        }
        let (folder, url) = try writeCSV(lines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try SlideBagSet.loadInstances(csv: url, positiveClass: nil)
        XCTAssertEqual(data.mapping.positive, "1")
        var settings = SlideTrainPipelineTests.smallSettings(folds: 4)
        settings.training.epochs = 20
        let summary = try SlideTrainPipeline(settings: settings, data: data, outputDirectory: folder.appendingPathComponent("run")).run()
        XCTAssertEqual(summary.folds.map(\.evaluatedBags).reduce(0, +), 40)
        XCTAssertGreaterThan(summary.auc?.mean ?? 0, 0.9)
    }
}
