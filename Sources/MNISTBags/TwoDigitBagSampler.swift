/// The four classes of the multi-class MNIST-bags variant: which of two target digits a bag holds.
public enum TwoDigitClass: Int, CaseIterable, Codable, Sendable {
    /// Neither target digit.
    case neither = 0
    /// The first target digit, not the second.
    case first
    /// The second target digit, not the first.
    case second
    /// Both target digits.
    case both
}

/// A bag of MNIST digits labelled with a `TwoDigitClass`.
public struct ClassifiedDigitBag: Equatable, Sendable, Codable {
    /// Indices of the bag's images in the split they were drawn from, all distinct.
    public let instances: [Int]
    public let label: TwoDigitClass

    public init(instances: [Int], label: TwoDigitClass) {
        self.instances = instances
        self.label = label
    }
}

/// Draws multi-class MNIST bags: the class says whether a bag holds neither, only the first,
/// only the second, or both of two target digits.
///
/// Classes are balanced by construction: bag i is drawn for class i mod 4 (the bags are then
/// shuffled). A bag of class `first` holds at least one image of the first digit and none of the
/// second, its other images drawn from the first digit and the non-target digits in proportion
/// to what is left; `second` likewise; `both` holds at least one of each (so at least two
/// images: a drawn size of 1 becomes 2) and the rest from anything; `neither` holds non-target
/// digits only. Instances within a bag are distinct; across bags, as `BagSampler`:
/// `reuseAcrossBags == false` uses every image at most once.
public struct TwoDigitBagSampler: Sendable {
    public var firstDigit: UInt8
    public var secondDigit: UInt8
    public var sizes: BagSizeDistribution
    public var reuseAcrossBags: Bool

    /// - Precondition: two different digits.
    public init(firstDigit: UInt8, secondDigit: UInt8, sizes: BagSizeDistribution, reuseAcrossBags: Bool = false) {
        precondition(firstDigit != secondDigit, "the two target digits must differ")
        self.firstDigit = firstDigit
        self.secondDigit = secondDigit
        self.sizes = sizes
        self.reuseAcrossBags = reuseAcrossBags
    }

    /// Draws `count` bags over the images whose labels are given.
    /// - Throws: `BagSamplingError.missingClass` when the split lacks a target digit,
    ///   `.noNonTargetImages` when it holds nothing else, `.notEnoughImages` when the pools run
    ///   out without reuse.
    public func sample<G: RandomNumberGenerator>(count: Int, labels: [UInt8], using generator: inout G) throws -> [ClassifiedDigitBag] {
        let firsts = labels.indices.filter { labels[$0] == firstDigit }
        let seconds = labels.indices.filter { labels[$0] == secondDigit }
        let others = labels.indices.filter { labels[$0] != firstDigit && labels[$0] != secondDigit }
        if firsts.isEmpty { throw BagSamplingError.missingClass(digit: firstDigit) }
        if seconds.isEmpty { throw BagSamplingError.missingClass(digit: secondDigit) }
        if others.isEmpty { throw BagSamplingError.noNonTargetImages }
        func freshPools(_ generator: inout G) -> [[Int]] {
            [firsts.shuffled(using: &generator), seconds.shuffled(using: &generator), others.shuffled(using: &generator)]
        }
        var pools = freshPools(&generator)
        var bags: [ClassifiedDigitBag] = []
        bags.reserveCapacity(count)
        for index in 0..<count {
            let label = TwoDigitClass(rawValue: index % 4)!
            var size = sizes.sample(using: &generator)
            if label == .both { size = max(size, 2) }
            if reuseAcrossBags { pools = freshPools(&generator) }
            // Pools 0 = first digit, 1 = second digit, 2 = others; which must appear, which may.
            let required: [Int], allowed: [Int]
            switch label {
            case .neither: (required, allowed) = ([], [2])
            case .first: (required, allowed) = ([0], [0, 2])
            case .second: (required, allowed) = ([1], [1, 2])
            case .both: (required, allowed) = ([0, 1], [0, 1, 2])
            }
            var instances: [Int] = []
            for pool in required {
                guard let image = pools[pool].popLast() else { throw BagSamplingError.notEnoughImages(needed: size, available: 0) }
                instances.append(image)
            }
            while instances.count < size {
                let remaining = allowed.reduce(0) { $0 + pools[$1].count }
                guard remaining > 0 else { throw BagSamplingError.notEnoughImages(needed: size, available: instances.count) }
                var pick = Int.random(in: 0..<remaining, using: &generator)
                for pool in allowed {
                    if pick < pools[pool].count { instances.append(pools[pool].removeLast()); break }
                    pick -= pools[pool].count
                }
            }
            bags.append(ClassifiedDigitBag(instances: instances.shuffled(using: &generator), label: label))
        }
        bags.shuffle(using: &generator)
        return bags
    }
}
