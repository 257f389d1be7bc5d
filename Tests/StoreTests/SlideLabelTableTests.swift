import Foundation
import Store
import XCTest

final class SlideLabelTableTests: XCTestCase {
    func testReadsLabelsWithAndWithoutSplits() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("labels.csv")
        try Data("slide_id,label,split\ntumor_001, tumor ,train\nnormal_001,normal,\nnormal_002,normal,test\n".utf8).write(to: url)
        let table = try SlideLabelTable.read(from: url)
        XCTAssertEqual(table.entries, [
            SlideLabel(slideID: "tumor_001", label: "tumor", split: "train"),
            SlideLabel(slideID: "normal_001", label: "normal"),
            SlideLabel(slideID: "normal_002", label: "normal", split: "test"),
        ])
        XCTAssertEqual(table.classes, ["normal", "tumor"])
    }

    func testReadsCLAMColumnOrder() throws {
        let table = try SlideLabelTable.parse(CSVTable.parse("case_id,slide_id,label\nP1,P1_a,1\nP1,P1_b,1\nP2,P2_a,0\n"), source: "clam.csv")
        XCTAssertEqual(table.entries.map(\.caseID), ["P1", "P1", "P2"])
        XCTAssertEqual(table.entries.map(\.slideID), ["P1_a", "P1_b", "P2_a"])
        XCTAssertEqual(table.classes, ["0", "1"])
    }

    func testRejectsDuplicatesEmptyLabelsAndMissingColumns() throws {
        XCTAssertThrowsError(try SlideLabelTable.parse(CSVTable.parse("slide_id,label\na,1\na,0\n"), source: "l.csv")) { error in
            XCTAssertEqual(error as? StoreError, .malformedCSV(path: "l.csv", line: 3, problem: "slide 'a' is listed twice"))
        }
        XCTAssertThrowsError(try SlideLabelTable.parse(CSVTable.parse("slide_id,label\na,\n"), source: "l.csv"))
        XCTAssertThrowsError(try SlideLabelTable.parse(CSVTable.parse("slide,label\na,1\n"), source: "l.csv"))
    }

    func testSlideListsFromCSVOrPlainLines() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let csv = folder.file("list.csv")
        try Data("slide_id,note\ns1,\"a, b\"\ns2,\n".utf8).write(to: csv)
        XCTAssertEqual(try SlideList.read(from: csv), ["s1", "s2"])
        let plain = folder.file("list.txt")
        try Data("# slides to redo\ns3\n\n s4 \r\nweird,name\n".utf8).write(to: plain)
        XCTAssertEqual(try SlideList.read(from: plain), ["s3", "s4", "weird,name"])
        XCTAssertThrowsError(try SlideList.read(from: folder.file("none.txt")))
    }
}
