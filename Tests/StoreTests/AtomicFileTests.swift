import Foundation
import Store
import XCTest

final class AtomicFileTests: XCTestCase {
    private struct Interrupted: Error {}

    func testWritesBytesAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.file("nested/out.bin")
        try AtomicFile.write(Data([1, 2, 3]), to: target)
        try AtomicFile.write(Data([4, 5]), to: target)
        XCTAssertEqual(try Data(contentsOf: target), Data([4, 5]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("nested").path), ["out.bin"])
    }

    func testThrowingClosureLeavesNoTargetAndNoTemporary() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.file("slide.h5")
        var temporaryPath = ""
        XCTAssertThrowsError(try AtomicFile.write(to: target) { temporary in
            temporaryPath = temporary.path
            try Data("partial".utf8).write(to: temporary)
            throw Interrupted()
        }) { XCTAssertTrue($0 is Interrupted) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporaryPath))
        XCTAssertEqual(try folder.contents(), [])
    }

    func testThrowingClosureKeepsThePreviousVersion() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.file("list.csv")
        try AtomicFile.write(Data("old".utf8), to: target)
        XCTAssertThrowsError(try AtomicFile.write(to: target) { temporary in
            try Data("new".utf8).write(to: temporary)
            throw Interrupted()
        })
        XCTAssertEqual(String(decoding: try Data(contentsOf: target), as: UTF8.self), "old")
    }

    func testClosureThatWritesNothingFails() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.file("empty.png")
        XCTAssertThrowsError(try AtomicFile.write(to: target) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("empty.png"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
    }

    func testTemporaryNamesAreHiddenSiblingsAndRecognised() throws {
        let target = URL(fileURLWithPath: "/data/features/slide_1.h5")
        let first = AtomicFile.temporaryURL(for: target)
        let second = AtomicFile.temporaryURL(for: target)
        XCTAssertEqual(first.deletingLastPathComponent(), target.deletingLastPathComponent())
        XCTAssertTrue(first.lastPathComponent.hasPrefix(".slide_1.h5.tmp-"), first.lastPathComponent)
        XCTAssertNotEqual(first, second)
        XCTAssertTrue(AtomicFile.isTemporary(first))
        XCTAssertFalse(AtomicFile.isTemporary(target))
        XCTAssertFalse(AtomicFile.isTemporary(URL(fileURLWithPath: "/data/.hidden")))
    }
}
