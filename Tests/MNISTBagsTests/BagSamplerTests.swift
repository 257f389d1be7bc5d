import MNISTBags
import Tensor
import XCTest

/// Invariants of bag drawing on synthetic label lists (digit = index mod 10 unless stated).
final class BagSamplerTests: XCTestCase {
    private let labels: [UInt8] = (0..<2000).map { UInt8($0 % 10) }

    private func draw(_ sampler: BagSampler, count: Int, labels: [UInt8]? = nil, seed: UInt64 = 1) throws -> [DigitBag] {
        var generator = SeededGenerator(seed: seed)
        return try sampler.sample(count: count, labels: labels ?? self.labels, using: &generator)
    }

    func testUniformSizesStayInRangeAndCoverIt() throws {
        let bags = try draw(BagSampler(targetDigit: 1, sizes: .uniform(3...7)), count: 300)
        let sizes = bags.map(\.instances.count)
        XCTAssertTrue(sizes.allSatisfy { (3...7).contains($0) })
        XCTAssertEqual(Set(sizes), Set(3...7))
    }

    func testNoImageIsReusedWithinOrAcrossBags() throws {
        let bags = try draw(BagSampler(targetDigit: 1, sizes: .uniform(3...7)), count: 300)
        let all = bags.flatMap(\.instances)
        XCTAssertEqual(Set(all).count, all.count)
        XCTAssertTrue(all.allSatisfy { labels.indices.contains($0) })
    }

    func testReuseAcrossBagsStillKeepsInstancesDistinctWithinABag() throws {
        let small: [UInt8] = (0..<40).map { UInt8($0 % 10) }
        let bags = try draw(BagSampler(targetDigit: 9, sizes: .uniform(10...20), reuseAcrossBags: true), count: 50, labels: small)
        let all = bags.flatMap(\.instances)
        XCTAssertGreaterThan(all.count, small.count, "the draw must have needed reuse")
        for bag in bags { XCTAssertEqual(Set(bag.instances).count, bag.instances.count) }
    }

    func testLabelIsPositiveExactlyWhenTheTargetDigitIsPresent() throws {
        for target: UInt8 in [1, 9] {
            let bags = try draw(BagSampler(targetDigit: target, sizes: .uniform(3...7)), count: 300)
            for bag in bags { XCTAssertEqual(bag.isPositive, bag.instances.contains { labels[$0] == target }) }
            // With a tenth of the images positive and 5 per bag on average, about 1 − 0.9⁵ ≈ 0.41 of bags are positive.
            let rate = Double(bags.filter(\.isPositive).count) / Double(bags.count)
            XCTAssertEqual(rate, 0.41, accuracy: 0.1)
        }
    }

    func testSameSeedSameBagsOtherSeedOtherBags() throws {
        let sampler = BagSampler(targetDigit: 1, sizes: .uniform(3...7))
        XCTAssertEqual(try draw(sampler, count: 50, seed: 4), try draw(sampler, count: 50, seed: 4))
        XCTAssertNotEqual(try draw(sampler, count: 50, seed: 4), try draw(sampler, count: 50, seed: 5))
    }

    func testBalancedModeGivesHalfPositivesAndCleanNegatives() throws {
        let bags = try draw(BagSampler(targetDigit: 9, sizes: .uniform(3...7), balanced: true), count: 101)
        XCTAssertEqual(bags.filter(\.isPositive).count, 50)
        for bag in bags where !bag.isPositive { XCTAssertFalse(bag.instances.contains { labels[$0] == 9 }) }
        for bag in bags { XCTAssertEqual(bag.isPositive, bag.instances.contains { labels[$0] == 9 }) }
        let all = bags.flatMap(\.instances)
        XCTAssertEqual(Set(all).count, all.count)
    }

    func testNotEnoughImagesIsAnErrorNamingTheCounts() {
        let sampler = BagSampler(targetDigit: 1, sizes: .uniform(5...5))
        XCTAssertThrowsError(try draw(sampler, count: 401)) {
            XCTAssertEqual($0 as? BagSamplingError, .notEnoughImages(needed: 2005, available: 2000))
            XCTAssertTrue(String(describing: $0).contains("2005"))
        }
        XCTAssertNoThrow(try draw(sampler, count: 400))
    }

    func testBalancedModeNeedsBothClasses() {
        let onlyNines = [UInt8](repeating: 9, count: 50)
        XCTAssertThrowsError(try draw(BagSampler(targetDigit: 9, sizes: .uniform(2...2), balanced: true), count: 4, labels: onlyNines)) {
            XCTAssertEqual($0 as? BagSamplingError, .missingClass(digit: 9))
        }
    }

    func testNormalSizesFollowMeanAndStayPositive() {
        var generator = SeededGenerator(seed: 8)
        let sizes = (0..<4000).map { _ in BagSizeDistribution.normal(mean: 10, standardDeviation: 2).sample(using: &generator) }
        let mean = Double(sizes.reduce(0, +)) / Double(sizes.count)
        XCTAssertEqual(mean, 10, accuracy: 0.15)
        let variance = sizes.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(sizes.count)
        // Rounding adds 1/12 to the variance of 4.
        XCTAssertEqual(variance.squareRoot(), (4 + 1.0 / 12).squareRoot(), accuracy: 0.15)
        let wide = (0..<500).map { _ in BagSizeDistribution.normal(mean: 2, standardDeviation: 5).sample(using: &generator) }
        XCTAssertEqual(wide.min(), 1)
    }
}
