import Foundation
import Store
import XCTest

final class ProcessListTests: XCTestCase {
    func testNewListStartsPendingAndSavesAfterEveryUpdate() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("process_list.csv")
        var list = try ProcessList.load(from: url, adding: ["s1", "s2", "s3", "s1"])
        XCTAssertEqual(list.records.map(\.slideID), ["s1", "s2", "s3"])
        XCTAssertEqual(list.remaining, ["s1", "s2", "s3"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))

        try list.update(ProcessRecord(slideID: "s1", status: .processed, tiles: 1234, seconds: 12.5))
        XCTAssertEqual(try CSVTable.read(from: url).rows,
                       [["s1", "processed", "1234", "12.500", ""], ["s2", "pending", "", "", ""], ["s3", "pending", "", "", ""]])
        try list.update(ProcessRecord(slideID: "s2", status: .failed, seconds: 0.25,
                                      error: "s2.svs: not a tiled TIFF,\nconvert it first"))
        try list.update(ProcessRecord(slideID: "s3", status: .skipped))
        XCTAssertEqual(try folder.contents(), ["process_list.csv"])

        let resumed = try ProcessList.load(from: url, adding: ["s1", "s2", "s3", "s4"])
        XCTAssertEqual(resumed.remaining, ["s2", "s4"])
        XCTAssertEqual(resumed.record(for: "s1"), ProcessRecord(slideID: "s1", status: .processed, tiles: 1234, seconds: 12.5))
        XCTAssertEqual(resumed.record(for: "s2")?.error, "s2.svs: not a tiled TIFF, convert it first")
        XCTAssertEqual(resumed.record(for: "s3")?.status, .skipped)
        XCTAssertNil(resumed.record(for: "s9"))
    }

    func testFinishStampsTheElapsedTimeAndSaves() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("process_list.csv")
        var list = try ProcessList.load(from: url, adding: ["s1"])
        var record = try XCTUnwrap(list.record(for: "s1"))
        record.markFailed(CocoaError(.fileReadCorruptFile))
        XCTAssertEqual(record.status, .failed)
        XCTAssertFalse(record.error.isEmpty)
        try list.finish(record, startedAt: Date(timeIntervalSinceNow: -2.5))
        let saved = try XCTUnwrap(ProcessList.load(from: url).record(for: "s1"))
        XCTAssertEqual(saved.status, .failed)
        XCTAssertEqual(saved.error, record.error)
        XCTAssertEqual(try XCTUnwrap(saved.seconds), 2.5, accuracy: 0.5, "seconds since the start, saved to disk")
    }

    func testUserColumnsSurviveUpdates() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("list.csv")
        try Data("slide_id,mpp,status\nA,0.25,\nB,,processed\n".utf8).write(to: url)
        var list = try ProcessList.load(from: url)
        XCTAssertEqual(list.extraColumns, ["mpp"])
        XCTAssertEqual(list.record(for: "A")?.extra, ["mpp": "0.25"])
        XCTAssertEqual(list.record(for: "A")?.status, .pending)
        var record = try XCTUnwrap(list.record(for: "A"))
        record.status = .processed
        try list.update(record)
        let table = try CSVTable.read(from: url)
        XCTAssertEqual(table.header, ["slide_id", "status", "tiles", "seconds", "error", "mpp"])
        XCTAssertEqual(table.rows, [["A", "processed", "", "", "", "0.25"], ["B", "processed", "", "", "", ""]])
    }

    func testLoadsCLAMProcessList() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("process_list_autogen.csv")
        try Data("slide_id,process,status,seg_level\na.svs,1,tbp,-1\nb.svs,0,already_exist,-1\nc.svs,1,failed_seg,-1\nd.svs,1,processed,2\n".utf8).write(to: url)
        let list = try ProcessList.load(from: url)
        XCTAssertEqual(list.records.map(\.status), [.pending, .processed, .failed, .processed])
        XCTAssertEqual(list.extraColumns, ["process", "seg_level"])
        XCTAssertEqual(list.remaining, ["a.svs", "c.svs"])
    }

    func testUnknownStatusAndMissingIDColumnAreRejected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bad = folder.file("bad.csv")
        try Data("slide_id,status\nA,done\n".utf8).write(to: bad)
        XCTAssertThrowsError(try ProcessList.load(from: bad)) { error in
            XCTAssertTrue("\(error)".contains("bad.csv:2") && "\(error)".contains("done"), "\(error)")
        }
        let noID = folder.file("noid.csv")
        try Data("slide,status\nA,pending\n".utf8).write(to: noID)
        XCTAssertThrowsError(try ProcessList.load(from: noID))
    }
}
