import Tensor
import XCTest

final class TensorKernelTests: XCTestCase {
    func testMatmulAgainstNaiveProductWithTransposes() {
        var generator = SeededGenerator(seed: 1)
        let a = Tensor.normal([5, 7], generator: &generator)
        let b = Tensor.normal([7, 3], generator: &generator)
        let product = a.matmul(b)
        for i in 0..<5 { for j in 0..<3 {
            var expected = 0.0
            for k in 0..<7 { expected += Double(a[i, k]) * Double(b[k, j]) }
            XCTAssertEqual(Double(product[i, j]), expected, accuracy: 1e-5)
        } }
        XCTAssertLessThan(a.transposed().matmul(b, transposeSelf: true).maxAbsoluteDifference(to: product), 1e-6)
        XCTAssertLessThan(a.matmul(b.transposed(), transposeOther: true).maxAbsoluteDifference(to: product), 1e-6)
    }

    func testReductionsAndElementwise() {
        let t = Tensor(shape: [2, 3], storage: [1, -2, 3, 4, 5, -6])
        XCTAssertEqual(t.sum(), 5)
        XCTAssertEqual(t.mean(), 5.0 / 6.0, accuracy: 1e-7)
        XCTAssertEqual(t.max(), 5)
        XCTAssertEqual(t.argmax(), 4)
        XCTAssertEqual(t.sum(alongAxis: 0).storage, [5, 3, -3])
        XCTAssertEqual(t.sum(alongAxis: 1).storage, [2, 3])
        XCTAssertEqual((t + t).storage, t.storage.map { 2 * $0 })
        XCTAssertEqual((t * t - t).storage, t.storage.map { $0 * $0 - $0 })
        XCTAssertTrue(Tensor(shape: [0]).mean().isNaN)
        XCTAssertNil(Tensor(shape: [0]).argmax())
        var u = t
        u.add(t, scale: -1)
        XCTAssertEqual(u.storage, [Float](repeating: 0, count: 6))
    }

    func testParallelForCoversEveryIndexOnce() {
        for count in [0, 1, 2, 7, 1000] {
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
            hits.initialize(repeating: 0, count: max(count, 1))
            ParallelFor.run(count) { range in for i in range { hits[i] += 1 } }
            XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 })
            hits.deallocate()
        }
    }
}
