import CZlib
import XCTest

final class ZlibSmokeTests: XCTestCase {
    /// compress2 then uncompress returns the original bytes, and the compressed form is smaller.
    func testCompressThenInflateRoundTrip() {
        let original = [UInt8](String(repeating: "SlideMIL tiles tissue. ", count: 200).utf8)
        var compressedLength = compressBound(uLong(original.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        XCTAssertEqual(compress2(&compressed, &compressedLength, original, uLong(original.count), 9), Z_OK)
        XCTAssertLessThan(Int(compressedLength), original.count / 10)

        var restoredLength = uLong(original.count)
        var restored = [UInt8](repeating: 0, count: original.count)
        XCTAssertEqual(uncompress(&restored, &restoredLength, compressed, compressedLength), Z_OK)
        XCTAssertEqual(restored, original)
    }
}
