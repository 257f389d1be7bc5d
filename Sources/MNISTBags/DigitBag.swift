import Foundation

/// A bag of MNIST digits: the images it holds and its label.
public struct DigitBag: Equatable, Sendable, Codable {
    /// Indices of the bag's images in the split they were drawn from.
    public let instances: [Int]
    /// True when the bag holds at least one image of the target digit.
    public let isPositive: Bool

    public init(instances: [Int], isPositive: Bool) {
        self.instances = instances
        self.isPositive = isPositive
    }
}

/// How many instances a bag holds.
public enum BagSizeDistribution: Equatable, Sendable {
    /// Uniform over a closed range (the tutorial's default: 3...7).
    case uniform(ClosedRange<Int>)
    /// Rounded normal, at least 1 (Ilse et al. 2018: mean 10, 50 or 100, std 2, 10 or 20).
    case normal(mean: Double, standardDeviation: Double)

    /// Draws one bag size.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        switch self {
        case .uniform(let range):
            return Int.random(in: range, using: &generator)
        case let .normal(mean, standardDeviation):
            // Box-Muller; `1 - u` keeps the logarithm finite.
            let u1 = 1 - Double.random(in: 0..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
            return max(1, Int((mean + standardDeviation * z).rounded()))
        }
    }
}
