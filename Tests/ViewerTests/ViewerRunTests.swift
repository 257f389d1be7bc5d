import Foundation
import Viewer
import XCTest

/// What the viewer reads from a run folder: predict and pipeline layouts, per-class columns,
/// labels, and a clear error for a folder that is not a run.
final class ViewerRunTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-viewer-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ text: String, _ relative: String) throws {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func testPredictFolderWithPerClassProbabilities() throws {
        try write("slide_id,p_lung,p_breast,p_colon,predicted_label,tiles\na,0.7,0.2,0.1,lung,10\nb,0.1,0.3,0.6,colon,12\n",
                  "predictions.csv")
        try write("slide_id,label\na,lung\nb,breast\n", "labels.csv")
        let run = try ViewerRun(path: folder.path)
        XCTAssertEqual(run.classNames, ["lung", "breast", "colon"])
        XCTAssertEqual(run.slides.map(\.id), ["a", "b"])
        XCTAssertEqual(run.slide("b")?.classProbabilities.map(\.probability), [0.1, 0.3, 0.6])
        XCTAssertEqual(run.slide("b")?.classProbabilities.map(\.name), ["lung", "breast", "colon"])
        XCTAssertEqual(run.slide("b")?.label, "breast")
        XCTAssertEqual(run.slide("a")?.predictedLabel, "lung")
        XCTAssertNil(run.slide("a")?.probability)
        XCTAssertEqual(run.slide("a")?.tiles, 10)
    }

    func testPipelineFolderUsesPredictionsAndSplits() throws {
        try write("slide_id,probability,predicted_label,tiles\nheld,0.9,tumor,4\n", "predictions/predictions.csv")
        try write("slide_id,label\nheld,tumor\n", "splits/held_out.csv")
        try write("slide_id,label\ntrained,normal\n", "splits/train.csv")
        try write("path,slide_id\nslides/held.tif,held\nslides/trained.tif,trained\n", "slides.csv")
        let run = try ViewerRun(path: folder.path)
        XCTAssertEqual(run.slides.map(\.id), ["held", "trained"], "predicted slides first, then the rest of the list")
        XCTAssertEqual(run.slide("held")?.label, "tumor")
        XCTAssertEqual(run.slide("trained")?.label, "normal")
        XCTAssertEqual(run.slide("held")?.path, folder.appendingPathComponent("slides/held.tif").path, "relative to slides.csv")
        XCTAssertEqual(run.slide("held")?.probability, 0.9)
    }

    func testAFolderWithoutPredictionsIsNotARun() {
        XCTAssertThrowsError(try ViewerRun(path: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("predictions.csv"), "\(error)")
        }
        XCTAssertThrowsError(try ViewerRun(path: folder.appendingPathComponent("missing").path)) { error in
            XCTAssertTrue("\(error)".contains("no such folder"), "\(error)")
        }
    }
}
