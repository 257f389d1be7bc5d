import ExtractStage
import Foundation
import XCTest

final class ExtractionChecksumTests: XCTestCase {
    /// FIPS 180-4 / NIST example vectors, including the 56-byte message whose padding spills
    /// into a second block.
    func testKnownVectors() {
        XCTAssertEqual(ExtractionChecksum.sha256(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(ExtractionChecksum.sha256(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(ExtractionChecksum.sha256(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// A million 'a's, read from a file in pieces, and a 2.5 MB file whose pieces split blocks
    /// unevenly, hashed the same as in one piece.
    func testFilesHashInPieces() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("checksum-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: url)
        XCTAssertEqual(try ExtractionChecksum.sha256(fileAt: url), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<2_500_003).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try data.write(to: url)
        XCTAssertEqual(try ExtractionChecksum.sha256(fileAt: url), ExtractionChecksum.sha256(data))
        XCTAssertNotEqual(ExtractionChecksum.sha256(data.dropLast()), ExtractionChecksum.sha256(data))
    }
}
