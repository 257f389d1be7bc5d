import Foundation
import XCTest

/// The `slidemil` executable that `swift build --build-tests` puts beside the test bundle, and a way
/// to run a tool as a user would and read what it printed.
enum BuiltTool {
    /// `slidemil` beside the test bundle (on Linux the bundle URL is the build folder itself).
    static var slidemil: URL {
        let bundle = Bundle(for: BundleMarker.self).bundleURL
        let folder = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
        return folder.appendingPathComponent("slidemil")
    }

    /// Skips the calling test when `slidemil` has not been built.
    static func requireSlidemil() throws {
        guard FileManager.default.isExecutableFile(atPath: slidemil.path) else {
            throw XCTSkip("no slidemil executable at \(slidemil.path); build with `swift build -c release --build-tests`")
        }
    }

    /// Runs `tool` with `arguments`; returns its exit status (128 + the signal when a signal ended
    /// it) and its stdout and stderr together.
    static func run(_ tool: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, String(decoding: data, as: UTF8.self))
    }
}

private final class BundleMarker {}
