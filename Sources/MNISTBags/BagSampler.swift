/// Errors from drawing bags.
public enum BagSamplingError: Error, Equatable, CustomStringConvertible {
    /// The split has too few images to draw the requested bags without reusing one.
    case notEnoughImages(needed: Int, available: Int)
    /// A balanced draw needs both target and non-target images.
    case missingClass(digit: UInt8)
    /// A multi-class draw needs images of digits other than its targets.
    case noNonTargetImages

    public var description: String {
        switch self {
        case let .notEnoughImages(needed, available):
            return "not enough images for the requested bags without reuse: need \(needed), have \(available); ask for fewer or smaller bags, or allow reuse across bags"
        case .missingClass(let digit):
            return "cannot balance bags: the split holds no image of digit \(digit), or only such images"
        case .noNonTargetImages:
            return "cannot draw bags without the target digits: the split holds only target digits"
        }
    }
}

/// Draws MNIST bags for multiple-instance learning: a bag is positive iff it holds the target digit.
///
/// Instances within a bag are always distinct. Across bags, `reuseAcrossBags == false` (the
/// default) draws every instance of the split at most once, so no image appears in two bags;
/// `true` draws each bag independently, as Ilse et al. 2018 did (needed for their 1000 test bags
/// of mean size 100 from 10,000 test images).
public struct BagSampler: Sendable {
    public var targetDigit: UInt8
    public var sizes: BagSizeDistribution
    public var reuseAcrossBags: Bool
    /// When true, half the bags (rounded down) are positive and the rest negative, by construction:
    /// negatives are drawn from non-target images only, positives hold at least one target image.
    /// Guards against degenerate sets where large bags are almost all positive.
    public var balanced: Bool

    public init(targetDigit: UInt8, sizes: BagSizeDistribution, reuseAcrossBags: Bool = false, balanced: Bool = false) {
        self.targetDigit = targetDigit
        self.sizes = sizes
        self.reuseAcrossBags = reuseAcrossBags
        self.balanced = balanced
    }

    /// Draws `count` bags over the images whose labels are given.
    ///
    /// - Parameters:
    ///   - labels: the digit of each image in the split; bag instances index into it.
    ///   - generator: the source of randomness; a seeded generator makes the draw reproducible.
    public func sample<G: RandomNumberGenerator>(count: Int, labels: [UInt8], using generator: inout G) throws -> [DigitBag] {
        let bagSizes = (0..<count).map { _ in sizes.sample(using: &generator) }
        let targets = labels.indices.filter { labels[$0] == targetDigit }
        let others = labels.indices.filter { labels[$0] != targetDigit }
        if balanced && (targets.isEmpty || others.isEmpty) { throw BagSamplingError.missingClass(digit: targetDigit) }

        if !reuseAcrossBags {
            let needed = bagSizes.reduce(0, +)
            guard needed <= labels.count else { throw BagSamplingError.notEnoughImages(needed: needed, available: labels.count) }
        }

        var pool = ImagePool(targets: targets.shuffled(using: &generator), others: others.shuffled(using: &generator))
        var bags: [DigitBag] = []
        bags.reserveCapacity(count)
        for (index, size) in bagSizes.enumerated() {
            if reuseAcrossBags {
                pool = ImagePool(targets: targets.shuffled(using: &generator), others: others.shuffled(using: &generator))
            }
            let instances: [Int]
            if balanced {
                let wantPositive = index < count / 2
                instances = try pool.draw(size: size, positive: wantPositive, using: &generator)
            } else {
                instances = try pool.drawAny(size: size, using: &generator)
            }
            let positive = instances.contains { labels[$0] == targetDigit }
            bags.append(DigitBag(instances: instances, isPositive: positive))
        }
        if balanced { bags.shuffle(using: &generator) }
        return bags
    }
}

/// Shuffled target and non-target images, drawn from the end without replacement.
private struct ImagePool {
    var targets: [Int]
    var others: [Int]

    var remaining: Int { targets.count + others.count }

    /// Draws `size` images at random from both groups, in proportion to what is left.
    mutating func drawAny<G: RandomNumberGenerator>(size: Int, using generator: inout G) throws -> [Int] {
        guard size <= remaining else { throw BagSamplingError.notEnoughImages(needed: size, available: remaining) }
        var drawn: [Int] = []
        for _ in 0..<size {
            let pick = Int.random(in: 0..<remaining, using: &generator)
            drawn.append(pick < targets.count ? targets.removeLast() : others.removeLast())
        }
        return drawn.shuffled(using: &generator)
    }

    /// Draws a bag that is positive (at least one target, the rest from anywhere) or negative
    /// (non-targets only).
    mutating func draw<G: RandomNumberGenerator>(size: Int, positive: Bool, using generator: inout G) throws -> [Int] {
        if positive {
            guard let first = targets.popLast() else { throw BagSamplingError.notEnoughImages(needed: size, available: 0) }
            return ([first] + (try drawAny(size: size - 1, using: &generator))).shuffled(using: &generator)
        }
        guard size <= others.count else { throw BagSamplingError.notEnoughImages(needed: size, available: others.count) }
        return (0..<size).map { _ in others.removeLast() }
    }
}
