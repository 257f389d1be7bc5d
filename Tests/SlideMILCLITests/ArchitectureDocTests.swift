import Foundation
import XCTest

/// Keeps `docs/architecture.md` true to the source tree: every module under `Sources/` has a row
/// in its module table, every row names a module that exists, and no module grows past the
/// 2,500-line limit the document states.
final class ArchitectureDocTests: XCTestCase {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testModuleTableListsExactlyTheModulesInSources() throws {
        let sources = Self.repository.appendingPathComponent("Sources")
        let modules = Set(try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { !$0.hasPrefix(".") })
        let text = try String(contentsOf: Self.repository.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let tableSection = try XCTUnwrap(text.components(separatedBy: "## Modules").dropFirst().first?.components(separatedBy: "\n## ").first)
        var listed = Set<String>()
        for line in tableSection.split(separator: "\n") where line.hasPrefix("| `") {
            let firstCell = line.split(separator: "|", omittingEmptySubsequences: true).first ?? ""
            for name in firstCell.split(separator: "`") where !name.trimmingCharacters(in: .whitespaces).isEmpty
                && !name.contains(",") {
                listed.insert(String(name))
            }
        }
        XCTAssertEqual(listed.subtracting(modules), [], "rows for modules that do not exist")
        XCTAssertEqual(modules.subtracting(listed), [], "modules without a row in docs/architecture.md")
    }

    func testNoModuleIsAbove2500Lines() throws {
        let sources = Self.repository.appendingPathComponent("Sources")
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path) where !module.hasPrefix(".") {
            var lines = 0
            let walker = FileManager.default.enumerator(at: sources.appendingPathComponent(module), includingPropertiesForKeys: nil)
            for case let url as URL in walker ?? FileManager.DirectoryEnumerator() where url.pathExtension == "swift" {
                lines += try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count - 1
            }
            XCTAssertLessThanOrEqual(lines, 2500, "\(module) has \(lines) lines; split it")
        }
    }
}
