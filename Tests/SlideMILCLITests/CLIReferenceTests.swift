import Foundation
import XCTest

/// Checks that `docs/cli.md` is exactly what the built `slidemil help-markdown` prints, so the
/// command-line reference never drifts from the argument parser's help.
///
/// Runs the `slidemil` executable built next to the test bundle: `swift test -c release` builds
/// it, as does `swift build -c release --build-tests` before `swift test -c release --skip-build`.
final class CLIReferenceTests: XCTestCase {
    /// A missing build, reported as the test's failure.
    private struct ToolNotBuilt: Error, CustomStringConvertible {
        let path: String
        var description: String { "no slidemil executable at \(path); build it with `swift build -c release --build-tests`" }
    }

    /// The repository root, three levels above this file (Tests/SlideMILCLITests/<file>).
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `slidemil`: beside the `.xctest` bundle (macOS), or in the bundle's own folder
    /// when the bundle URL is the build folder (Linux, where tests are one executable there).
    private static var executable: URL {
        let bundle = Bundle(for: CLIReferenceTests.self).bundleURL
        let folder = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
        return folder.appendingPathComponent("slidemil")
    }

    /// Runs the built tool and returns its exit status and standard output (standard error is
    /// discarded). `columns` sets the `COLUMNS` variable, which help wrapping otherwise follows.
    private func run(_ arguments: [String], columns: Int? = nil) throws -> (status: Int32, output: String) {
        let tool = Self.executable
        guard FileManager.default.isExecutableFile(atPath: tool.path) else { throw ToolNotBuilt(path: tool.path) }
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        if let columns {
            var environment = ProcessInfo.processInfo.environment
            environment["COLUMNS"] = String(columns)
            process.environment = environment
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testCommittedReferenceMatchesTheBuiltTool() throws {
        let generated = try run(["help-markdown"])
        XCTAssertEqual(generated.status, 0, "slidemil help-markdown failed")
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        guard committed != generated.output else { return }
        let old = committed.components(separatedBy: "\n"), new = generated.output.components(separatedBy: "\n")
        let line = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        let shown = { (lines: [String]) in line < lines.count ? lines[line] : "(end of file)" }
        XCTFail("""
            docs/cli.md is stale: run `.build/release/slidemil help-markdown > docs/cli.md`
            first difference at line \(line + 1):
              docs/cli.md:   \(shown(old))
              help-markdown: \(shown(new))
            """)
    }

    func testReferenceHasASectionForEveryCommandOfTheRootHelp() throws {
        let page = try run(["help-markdown"]).output
        let root = try run(["--help"], columns: 100).output
        // The SUBCOMMANDS block of the root help: one command per line indented by two spaces
        // (wrapped abstracts are indented further), ended by a blank line.
        let block = root.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
        let names = block.components(separatedBy: "\n")
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertTrue(names.contains("tile") && names.contains("extract"), "cannot read the subcommands of --help: \(names)")
        for name in names {
            XCTAssertTrue(page.contains("\n## slidemil \(name)\n"), "docs/cli.md would have no section for 'slidemil \(name)'")
        }
        XCTAssertFalse(names.contains("help-markdown"), "help-markdown must stay hidden from --help")
        XCTAssertFalse(page.contains("## slidemil help-markdown"), "the reference must not document the hidden command")
    }

    func testReferenceDoesNotDependOnTheTerminalWidth() throws {
        let narrow = try run(["help-markdown"], columns: 40).output, wide = try run(["help-markdown"], columns: 300).output
        XCTAssertFalse(narrow.isEmpty)
        XCTAssertEqual(narrow, wide, "help-markdown output changes with COLUMNS")
    }
}
