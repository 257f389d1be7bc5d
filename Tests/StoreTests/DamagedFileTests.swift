import Foundation
import Store
import XCTest

/// Values a damaged or hand-made file can hold that used to trap or exhaust memory when read
/// (found by the seeded mutation tests).
final class DamagedFileTests: XCTestCase {
    func testInfiniteOrZeroDownsampleIsAnError() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for value in [Double.infinity, 0, -2, .nan] {
            let url = folder.file("p-\(value).h5")
            try HDF5File.writeAtomically(to: url) { file in
                let coords = try file.createDataset("coords", values: [Int64(0), 0], shape: [1, 2])
                try coords.attributes.set("patch_size", .integer(256))
                try coords.attributes.set("patch_level", .integer(0))
                try coords.attributes.set("downsample", .reals([value, value]))
            }
            XCTAssertThrowsError(try PatchFile.read(from: url)) { error in
                XCTAssertTrue("\(error)".contains("coords@downsample"), "\(error)")
            }
        }
    }
}
