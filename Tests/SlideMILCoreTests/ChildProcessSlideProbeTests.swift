import Foundation
import SlideIO
import RunSupport
import XCTest

/// A file that crashes or hangs the child process fails alone, with a reason; one whose child
/// exits goes on to be opened as usual.
final class ChildProcessSlideProbeTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A stand-in for `slidemil` whose `probe-slide` runs `body` (shell).
    private func probe(_ body: String, timeLimit: TimeInterval = 30) throws -> ChildProcessSlideProbe {
        let script = folder.appendingPathComponent("probe-\(UUID().uuidString).sh")
        try "#!/bin/sh\n\(body)\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        return ChildProcessSlideProbe(executable: script.path, timeLimit: timeLimit)
    }

    private func slide() throws -> String {
        let path = folder.appendingPathComponent("slide.mrxs").path
        try "[GENERAL]\nSLIDE_VERSION = 1.0\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testACrashingChildFailsTheSlide() throws {
        let path = try slide()
        var settings = SlideReadingSettings()
        settings.probe = try probe("kill -ABRT $$")
        XCTAssertThrowsError(try settings.open(path: path, mppOverride: nil, readers: 1)) { error in
            guard case let .corrupt(errorPath, reason) = error as? SlideError else { return XCTFail("\(error)") }
            XCTAssertEqual(errorPath, path)
            XCTAssertTrue(reason.contains("crashed a test process (signal 6)"), reason)
        }
    }

    func testAHangingChildIsKilledAndFailsTheSlide() throws {
        let path = try slide()
        let start = Date()
        XCTAssertThrowsError(try probe("sleep 30", timeLimit: 1).check(path)) { error in
            XCTAssertTrue("\(error)".contains("did not finish within 1 s"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    func testAChildThatExitsLeavesTheOrdinaryError() throws {
        let path = try slide()
        var settings = SlideReadingSettings()
        settings.probe = try probe("exit 1")
        XCTAssertThrowsError(try settings.open(path: path, mppOverride: nil, readers: 1)) { error in
            guard case .unsupportedFormat = error as? SlideError else { return XCTFail("\(error)") }
        }
    }
}
