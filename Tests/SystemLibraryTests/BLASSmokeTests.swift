import CBLAS
import XCTest

final class BLASSmokeTests: XCTestCase {
    /// C = A x B for 2 x 2 matrices, compared with the product worked by hand.
    func testSgemmTwoByTwo() {
        let a: [Float] = [1, 2, 3, 4]       // [[1, 2], [3, 4]]
        let b: [Float] = [5, 6, 7, 8]       // [[5, 6], [7, 8]]
        var c: [Float] = [100, 100, 100, 100]
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        XCTAssertEqual(c, [19, 22, 43, 50])
    }

    /// Transposed operands and beta accumulate as BLAS defines them.
    func testSgemmTransposeAndAccumulate() {
        let a: [Float] = [1, 3, 2, 4]       // stored transposed: A = [[1, 2], [3, 4]]
        let b: [Float] = [5, 6, 7, 8]
        var c: [Float] = [1, 1, 1, 1]
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 2, 2, 2, 2, a, 2, b, 2, 1, &c, 2)
        XCTAssertEqual(c, [39, 45, 87, 101])
    }
}
