import RunSupport
import XCTest

final class ProgressReporterTests: XCTestCase {
    func testStatusShowsRateAndETA() {
        let text = ProgressReporter.status(label: "tiling", unit: "tiles", completed: 250, total: 1000, elapsed: 10, detail: "slide_3")
        XCTAssertEqual(text, "tiling: 250/1000 tiles, 25.0 tiles/s, ETA 30s | slide_3")
    }

    func testStatusWithoutTotalShowsElapsed() {
        let text = ProgressReporter.status(label: "extract", unit: "tiles", completed: 90, total: nil, elapsed: 185, detail: "")
        XCTAssertEqual(text, "extract: 90 tiles, 0.5 tiles/s, 3m05s")
    }

    func testDurations() {
        XCTAssertEqual(ProgressReporter.formatDuration(0.4), "0s")
        XCTAssertEqual(ProgressReporter.formatDuration(59.6), "1m00s")
        XCTAssertEqual(ProgressReporter.formatDuration(7620), "2h07m")
    }
}

final class ProgressReporterFractionTests: XCTestCase {
    /// Counting tiles while the ETA follows slides: 2 of 8 slides done after 30 s leaves 90 s.
    func testCallerFractionDrivesTheETA() {
        let text = ProgressReporter.status(label: "tiling", unit: "tiles", completed: 600, total: nil, fractionDone: 0.25,
                                           elapsed: 30, detail: "slide 3/8 a")
        XCTAssertEqual(text, "tiling: 600 tiles, 20.0 tiles/s, ETA 1m30s | slide 3/8 a")
    }
}
