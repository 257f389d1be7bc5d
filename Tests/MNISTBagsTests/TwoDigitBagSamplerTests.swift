import MNISTBags
import Tensor
import XCTest

/// Invariants of the multi-class (two target digits) bag drawing on synthetic label lists.
final class TwoDigitBagSamplerTests: XCTestCase {
    private let labels: [UInt8] = (0..<3000).map { UInt8($0 % 10) }

    private func draw(_ sampler: TwoDigitBagSampler, count: Int, labels: [UInt8]? = nil, seed: UInt64 = 1) throws -> [ClassifiedDigitBag] {
        var generator = SeededGenerator(seed: seed)
        return try sampler.sample(count: count, labels: labels ?? self.labels, using: &generator)
    }

    func testEveryBagHoldsExactlyWhatItsClassSays() throws {
        let bags = try draw(TwoDigitBagSampler(firstDigit: 3, secondDigit: 7, sizes: .uniform(1...12)), count: 200)
        for bag in bags {
            let digits = Set(bag.instances.map { labels[$0] })
            XCTAssertEqual(digits.contains(3), bag.label == .first || bag.label == .both, "\(bag)")
            XCTAssertEqual(digits.contains(7), bag.label == .second || bag.label == .both, "\(bag)")
            XCTAssertEqual(Set(bag.instances).count, bag.instances.count, "instances within a bag are distinct")
        }
    }

    func testClassesAreBalancedAndImagesNotReused() throws {
        let bags = try draw(TwoDigitBagSampler(firstDigit: 0, secondDigit: 1, sizes: .uniform(3...7)), count: 102)
        let counts = Dictionary(grouping: bags, by: \.label).mapValues(\.count)
        XCTAssertEqual(counts, [.neither: 26, .first: 26, .second: 25, .both: 25])
        let all = bags.flatMap(\.instances)
        XCTAssertEqual(Set(all).count, all.count)
        XCTAssertNotEqual(bags.prefix(8).map(\.label), [.neither, .first, .second, .both, .neither, .first, .second, .both], "bags are shuffled")
    }

    func testSeedReproducesTheDrawAndBothBagsHaveTwoImages() throws {
        let sampler = TwoDigitBagSampler(firstDigit: 4, secondDigit: 9, sizes: .uniform(1...1), reuseAcrossBags: true)
        let bags = try draw(sampler, count: 40, seed: 5)
        XCTAssertEqual(bags, try draw(sampler, count: 40, seed: 5))
        XCTAssertTrue(bags.filter { $0.label == .both }.allSatisfy { $0.instances.count == 2 })
        XCTAssertTrue(bags.filter { $0.label != .both }.allSatisfy { $0.instances.count == 1 })
    }

    func testMissingDigitAndExhaustedPoolsAreErrors() {
        XCTAssertThrowsError(try draw(TwoDigitBagSampler(firstDigit: 3, secondDigit: 7, sizes: .uniform(2...2)), count: 4,
                                      labels: [3, 3, 1, 1, 2])) {
            XCTAssertEqual($0 as? BagSamplingError, .missingClass(digit: 7))
        }
        XCTAssertThrowsError(try draw(TwoDigitBagSampler(firstDigit: 3, secondDigit: 7, sizes: .uniform(2...2)), count: 4, labels: [3, 7, 3, 7])) {
            XCTAssertEqual($0 as? BagSamplingError, .noNonTargetImages)
        }
        XCTAssertThrowsError(try draw(TwoDigitBagSampler(firstDigit: 3, secondDigit: 7, sizes: .uniform(5...5)), count: 100,
                                      labels: Array(labels.prefix(200)))) {
            guard case .notEnoughImages = $0 as? BagSamplingError else { return XCTFail("\($0)") }
        }
    }
}
