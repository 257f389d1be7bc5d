import Diagnostics
import Foundation
import SlideIO
import XCTest

/// `slidemil slide-info`'s report on a committed sample slide.
final class SlideInfoReportTests: XCTestCase {
    private let samplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample/synthetic_0.tif").path

    func testReportDescribesTheSample() throws {
        let report = try SlideInfoReport(path: samplePath)
        XCTAssertEqual(report.vendor, "generic-tiff")
        XCTAssertEqual(report.levels.first, SlideInfoReport.Level(width: 4000, height: 3000, downsample: 1))
        XCTAssertEqual(report.levels.count, 5)
        XCTAssertEqual(try XCTUnwrap(report.micronsPerPixelX), 0.25, accuracy: 1e-5)
        XCTAssertEqual(report.micronsPerPixelSource, "tiff-resolution-tags")
        XCTAssertNil(report.objectivePower)
        XCTAssertGreaterThan(report.propertyCount, 10)

        let text = report.text()
        XCTAssertTrue(text.contains("0.2500 x 0.2500 um/px (from tiff-resolution-tags)"), text)
        XCTAssertTrue(text.contains("   4000        3000       1.0000"), text)

        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        XCTAssertEqual(json["vendor"] as? String, "generic-tiff")
        XCTAssertTrue(json["objective_power"] is NSNull)
        XCTAssertEqual((json["levels"] as? [[String: Any]])?.count, 5)
    }

    func testOverrideAndMissingFile() throws {
        XCTAssertEqual(try SlideInfoReport(path: samplePath, mpp: 0.5).micronsPerPixelSource, "override")
        XCTAssertThrowsError(try SlideInfoReport(path: samplePath + ".missing")) { error in
            XCTAssertEqual(error as? SlideError, .fileNotFound(path: samplePath + ".missing"))
        }
    }
}
