import Foundation
import Raster
import SlideIO

/// Macenko stain normalisation (Macenko et al., ISBI 2009, as torchstain and HEnorm implement
/// it): the haematoxylin and eosin colour vectors of a tile are found from its optical density
/// (the plane of the two largest principal components of the stained pixels, and the robust
/// extreme angles in it), each pixel is unmixed into the two stain concentrations, and the tile is
/// remixed with the target's stain vectors and concentration scale.
public struct MacenkoNormalizer: Equatable, Sendable {
    /// Target stain vectors in optical density, haematoxylin then eosin: `[[Rh, Gh, Bh], [Re, Ge, Be]]`.
    public let stainVectors: [[Double]]
    /// Target 99th-percentile concentration of each stain.
    public let maximumConcentrations: [Double]
    /// Transmitted light intensity (240).
    public let lightIntensity: Double
    /// Optical density below which a pixel counts as unstained (0.15).
    public let densityThreshold: Double
    /// Percentile of the extreme angles (1).
    public let anglePercentile: Double
    /// Stained pixels a tile needs for its stain vectors to be estimated.
    public let minimumStainedPixels: Int

    /// The reference of Macenko's and torchstain's code, used when no reference tile is given.
    public static let standardReference = MacenkoNormalizer(
        stainVectors: [[0.5626, 0.7201, 0.4062], [0.2159, 0.8012, 0.5581]], maximumConcentrations: [1.9705, 1.0308])

    /// A normaliser to stored target stain vectors and concentrations.
    public init(stainVectors: [[Double]], maximumConcentrations: [Double], lightIntensity: Double = 240,
                densityThreshold: Double = 0.15, anglePercentile: Double = 1, minimumStainedPixels: Int = 100) {
        precondition(stainVectors.count == 2 && stainVectors.allSatisfy { $0.count == 3 } && maximumConcentrations.count == 2,
                     "Macenko needs two stain vectors of three values and two concentrations")
        self.stainVectors = stainVectors
        self.maximumConcentrations = maximumConcentrations
        self.lightIntensity = lightIntensity
        self.densityThreshold = densityThreshold
        self.anglePercentile = anglePercentile
        self.minimumStainedPixels = minimumStainedPixels
    }

    /// The stain vectors and concentrations of `reference` as the target; nil when the reference
    /// has too little stain to estimate them.
    public init?(fittedTo reference: RGBImage) {
        let standard = Self.standardReference
        guard let (vectors, _, maxima) = standard.decompose(reference) else { return nil }
        self.init(stainVectors: vectors, maximumConcentrations: maxima)
    }

    /// The tile remixed with the target's stains; nil when it has fewer than
    /// `minimumStainedPixels` stained pixels or degenerate stain vectors (the caller passes it
    /// through unchanged).
    public func normalize(_ tile: RGBImage) -> RGBImage? {
        guard let (_, concentrations, maxima) = decompose(tile), maxima.allSatisfy({ $0 > 0 }) else { return nil }
        let scale = (0..<2).map { maximumConcentrations[$0] / maxima[$0] }
        var pixels = [UInt8](repeating: 0, count: tile.pixels.count)
        let count = tile.width * tile.height
        for pixel in 0..<count {
            let h = concentrations[pixel] * scale[0], e = concentrations[count + pixel] * scale[1]
            for channel in 0..<3 {
                let value = lightIntensity * Foundation.exp(-(stainVectors[0][channel] * h + stainVectors[1][channel] * e))
                pixels[pixel * 3 + channel] = UInt8(min(value, 255))
            }
        }
        return RGBImage(width: tile.width, height: tile.height, pixels: pixels)
    }

    /// Stain vectors (H, E), per-pixel concentrations (all H, then all E) and their 99th
    /// percentiles; nil when the tile is not stained enough.
    func decompose(_ tile: RGBImage) -> ([[Double]], [Double], [Double])? {
        let count = tile.width * tile.height
        var density = [Double](repeating: 0, count: count * 3)
        var stained: [Int] = []
        for pixel in 0..<count {
            var isStained = true
            for channel in 0..<3 {
                let od = -Foundation.log((Double(tile.pixels[pixel * 3 + channel]) + 1) / lightIntensity)
                density[pixel * 3 + channel] = od
                if od < densityThreshold { isStained = false }
            }
            if isStained { stained.append(pixel) }
        }
        guard stained.count >= max(minimumStainedPixels, 2) else { return nil }

        // Covariance of the stained pixels' densities (unbiased, as numpy.cov).
        var mean = [0.0, 0.0, 0.0]
        for pixel in stained { for c in 0..<3 { mean[c] += density[pixel * 3 + c] } }
        mean = mean.map { $0 / Double(stained.count) }
        var covariance = [[Double]](repeating: [0, 0, 0], count: 3)
        for pixel in stained {
            for i in 0..<3 {
                for j in 0..<3 {
                    covariance[i][j] += (density[pixel * 3 + i] - mean[i]) * (density[pixel * 3 + j] - mean[j])
                }
            }
        }
        covariance = covariance.map { $0.map { $0 / Double(stained.count - 1) } }
        let eigen = SymmetricEigen3(covariance)
        // The plane of the two largest components, the first oriented into positive density.
        var first = eigen.vectors[2], second = eigen.vectors[1]
        if first.reduce(0, +) < 0 { first = first.map { -$0 } }
        if second.reduce(0, +) < 0 { second = second.map { -$0 } }
        let angles = stained.map { pixel -> Double in
            let od = (0..<3).map { density[pixel * 3 + $0] }
            return atan2(zip(od, second).map(*).reduce(0, +), zip(od, first).map(*).reduce(0, +))
        }.sorted()
        let minimum = Self.percentile(sorted: angles, anglePercentile)
        let maximum = Self.percentile(sorted: angles, 100 - anglePercentile)
        let vMin = (0..<3).map { first[$0] * cos(minimum) + second[$0] * sin(minimum) }
        let vMax = (0..<3).map { first[$0] * cos(maximum) + second[$0] * sin(maximum) }
        // Haematoxylin first: the vector with the larger red density.
        let vectors = vMin[0] > vMax[0] ? [vMin, vMax] : [vMax, vMin]

        // Least-squares concentrations of every pixel: (VᵀV)⁻¹ Vᵀ od.
        let (h, e) = (vectors[0], vectors[1])
        let hh = zip(h, h).map(*).reduce(0, +), he = zip(h, e).map(*).reduce(0, +), ee = zip(e, e).map(*).reduce(0, +)
        let determinant = hh * ee - he * he
        guard abs(determinant) > 1e-12 else { return nil }
        var concentrations = [Double](repeating: 0, count: 2 * count)
        for pixel in 0..<count {
            let od = (0..<3).map { density[pixel * 3 + $0] }
            let ho = zip(h, od).map(*).reduce(0, +), eo = zip(e, od).map(*).reduce(0, +)
            concentrations[pixel] = (ee * ho - he * eo) / determinant
            concentrations[count + pixel] = (hh * eo - he * ho) / determinant
        }
        let maxima = [Self.percentile(sorted: concentrations[0..<count].sorted(), 99),
                      Self.percentile(sorted: concentrations[count...].sorted(), 99)]
        return (vectors, concentrations, maxima)
    }

    /// numpy's default (linear) percentile of sorted values.
    static func percentile(sorted values: [Double], _ percent: Double) -> Double {
        let position = percent / 100 * Double(values.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, values.count - 1)
        return values[lower] + (values[upper] - values[lower]) * (position - Double(lower))
    }
}

/// Eigenvalues (ascending) and unit eigenvectors of a symmetric 3×3 matrix, by cyclic Jacobi
/// rotations (exact to double rounding for these sizes).
struct SymmetricEigen3 {
    let values: [Double]
    let vectors: [[Double]]

    init(_ matrix: [[Double]]) {
        var a = matrix
        var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        for _ in 0..<50 {
            let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
            if off < 1e-30 { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where abs(a[p][q]) > 1e-300 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 {
                    let akp = a[k][p], akq = a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[p][k], aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[k][p], vkq = v[k][q]
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
                }
            }
        }
        let order = (0..<3).sorted { a[$0][$0] < a[$1][$1] }
        values = order.map { a[$0][$0] }
        vectors = order.map { column in (0..<3).map { v[$0][column] } }
    }
}
