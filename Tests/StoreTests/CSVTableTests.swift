import Foundation
import Store
import XCTest

final class CSVTableTests: XCTestCase {
    func testQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let text = "slide_id,error\r\n\"a,b\",\"he said \"\"no\"\"\"\nplain,\"line one\nline two\"\n\"\",x\n"
        let table = try CSVTable.parse(text)
        XCTAssertEqual(table.header, ["slide_id", "error"])
        XCTAssertEqual(table.rows, [["a,b", "he said \"no\""], ["plain", "line one\nline two"], ["", "x"]])
    }

    func testSerialisedTableParsesBackToItself() throws {
        let awkward = ["", " spaced ", "comma,inside", "\"quoted\"", "multi\nline", "cr\r\nlf", "ünï", "trailing,"]
        let table = CSVTable(header: ["a", "b"], rows: awkward.map { [$0, "\($0.count)"] } + [["last", ""]])
        XCTAssertEqual(try CSVTable.parse(table.serialized()), table)
        XCTAssertEqual(CSVTable(header: ["x", "y"], rows: [["1", "a,b"]]).serialized(), "x,y\n1,\"a,b\"\n")
    }

    func testLenientInputs() throws {
        // Byte-order mark, no final line break, blank lines, empty trailing field.
        let table = try CSVTable.parse("\u{FEFF}id,label\n\ns1,1\n\ns2,\n")
        XCTAssertEqual(table.header, ["id", "label"])
        XCTAssertEqual(table.rows, [["s1", "1"], ["s2", ""]])
        XCTAssertEqual(try CSVTable.parse("a\n1").rows, [["1"]])
        XCTAssertEqual(try CSVTable.parse("a\n\"\"\n").rows, [[""]], "a quoted empty field is a record, not a blank line")
        XCTAssertEqual(table.column("label"), 1)
        XCTAssertNil(table.column("split"))
    }

    func testMalformedInputsNameTheLine() {
        XCTAssertThrowsError(try CSVTable.parse("a,b\n1,2\n3\n", source: "labels.csv")) { error in
            XCTAssertEqual(error as? StoreError, .malformedCSV(path: "labels.csv", line: 3, problem: "1 fields where the header has 2"))
        }
        XCTAssertThrowsError(try CSVTable.parse("a,b\n\"open,2\n", source: "x.csv")) { error in
            XCTAssertEqual(error as? StoreError, .malformedCSV(path: "x.csv", line: 2, problem: "quoted field never closed"))
        }
        XCTAssertThrowsError(try CSVTable.parse("a\n\"x\"y\n", source: "x.csv")) { error in
            XCTAssertEqual(error as? StoreError, .malformedCSV(path: "x.csv", line: 2, problem: "text after a closing quote"))
        }
        XCTAssertThrowsError(try CSVTable.parse("", source: "empty.csv"))
    }

    func testLineNumbersCountLineBreaksInsideQuotes() {
        XCTAssertThrowsError(try CSVTable.parse("a,b\n\"1\n2\",3\n4\n", source: "q.csv")) { error in
            XCTAssertEqual(error as? StoreError, .malformedCSV(path: "q.csv", line: 4, problem: "1 fields where the header has 2"))
        }
    }

    func testFileRoundTripIsAtomic() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("t.csv")
        let table = CSVTable(header: ["slide_id"], rows: [["a"], ["b"]])
        try table.write(to: url)
        XCTAssertEqual(try CSVTable.read(from: url), table)
        XCTAssertEqual(try folder.contents(), ["t.csv"])
        XCTAssertThrowsError(try CSVTable.read(from: folder.file("missing.csv")))
    }
}
