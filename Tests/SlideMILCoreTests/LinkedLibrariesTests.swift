import Diagnostics
import XCTest

final class LinkedLibrariesTests: XCTestCase {
    func testEveryLibraryReportsAWellFormedVersion() {
        let libraries = LinkedLibraries.probe()
        XCTAssertEqual(libraries.map(\.name), ["OpenSlide", "libtiff", "libjpeg-turbo", "libpng", "OpenBLAS", "oneDNN", "HDF5", "zlib"])
        for library in libraries {
            let version = library.version ?? ""
            XCTAssertFalse(version.isEmpty, library.name)
            XCTAssertTrue(library.isWellFormed, "\(library.name) reported '\(version)'")
        }
        XCTAssertTrue(libraries.first { $0.name == "OpenBLAS" }?.details?.contains("threads") ?? false)
    }

    func testWellFormedRejectsOddVersions() {
        for bad in [nil, "", "4", "4.5.x", "1..2", "v1.2", "1.2.3.4"] as [String?] {
            XCTAssertFalse(LinkedLibrary(name: "x", version: bad, details: nil).isWellFormed, bad ?? "nil")
        }
        XCTAssertTrue(LinkedLibrary(name: "x", version: "1.2.13", details: nil).isWellFormed)
    }
}
