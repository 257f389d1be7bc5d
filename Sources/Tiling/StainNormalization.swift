import Foundation
import Raster
import SlideIO

/// Stain normalisation applied to every tile before the encoder (off unless asked for): Reinhard
/// or Macenko with a fitted target. A value type, so it can sit in settings and fingerprints.
public enum StainNormalization: Equatable, Sendable {
    /// L*a*b* statistics matched to the target's.
    case reinhard(ReinhardNormalizer)
    /// Stains unmixed and remixed with the target's stain vectors.
    case macenko(MacenkoNormalizer)

    /// The method names on the command line.
    public static let methods = ["reinhard", "macenko"]

    /// `method` fitted to `reference`, or Macenko's standard reference when `reference` is nil.
    /// - Throws: `StainNormalizationError` for an unknown method, a Reinhard run without a
    ///   reference, or a reference tile without enough stain.
    public static func fitted(method: String, reference: RGBImage?, source: String) throws -> StainNormalization {
        switch (method, reference) {
        case ("macenko", nil):
            return .macenko(.standardReference)
        case ("macenko", let tile?):
            guard let fitted = MacenkoNormalizer(fittedTo: tile) else {
                throw StainNormalizationError(path: source, problem: "too few stained pixels to estimate stain vectors")
            }
            return .macenko(fitted)
        case ("reinhard", let tile?):
            guard let fitted = ReinhardNormalizer(fittedTo: tile) else {
                throw StainNormalizationError(path: source, problem: "a colour channel is constant")
            }
            return .reinhard(fitted)
        case ("reinhard", nil):
            throw StainNormalizationError(path: source, problem: "Reinhard needs a reference tile (--stain-reference)")
        default:
            throw StainNormalizationError(path: source, problem: "unknown method \(method); use \(methods.joined(separator: " or "))")
        }
    }

    /// The tile normalised, or nil when the method is ill-posed on it (too little stain for
    /// Macenko, a constant channel for Reinhard): such tiles pass through unchanged.
    public func normalize(_ tile: RGBImage) -> RGBImage? {
        switch self {
        case let .reinhard(normalizer): return normalizer.normalize(tile)
        case let .macenko(normalizer): return normalizer.normalize(tile)
        }
    }

    /// The method and its target, for feature-file attributes and settings fingerprints.
    public var signature: String {
        func list(_ values: [Double]) -> String { values.map { String(format: "%.5g", $0) }.joined(separator: ",") }
        switch self {
        case let .reinhard(n):
            return "reinhard mean=\(list(n.means.map(Double.init))) std=\(list(n.standardDeviations.map(Double.init)))"
        case let .macenko(n):
            return "macenko H=\(list(n.stainVectors[0])) E=\(list(n.stainVectors[1])) maxC=\(list(n.maximumConcentrations))"
        }
    }
}

/// Counts the tiles a stain normalisation passed through unchanged; shared by reader threads.
public final class StainPassThroughCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0

    /// A counter at zero.
    public init() {}

    /// Tiles counted so far.
    public var count: Int { lock.withLock { total } }

    /// `normalization` applied to `tile`, or `tile` itself (counted) when it is ill-posed there.
    public func apply(_ normalization: StainNormalization, to tile: RGBImage) -> RGBImage {
        if let normalized = normalization.normalize(tile) { return normalized }
        lock.withLock { total += 1 }
        return tile
    }
}

/// Why a stain normalisation could not be set up; names the reference file.
public struct StainNormalizationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The reference tile (or the option) at fault.
    public let path: String
    /// What is wrong.
    public let problem: String

    /// One line.
    public var description: String { "\(path): \(problem)" }
}
