import Raster
import SlideIO

/// Reinhard colour normalisation (Reinhard et al. 2001, as torchstain implements it): each
/// L*a*b* channel of a tile is standardised with the tile's mean and standard deviation, then
/// given the target's.
public struct ReinhardNormalizer: Equatable, Sendable {
    /// Target mean of L*, a*, b*.
    public let means: [Float]
    /// Target standard deviation of L*, a*, b*.
    public let standardDeviations: [Float]

    /// A normaliser to stored target statistics.
    /// - Precondition: three means and three positive standard deviations.
    public init(means: [Float], standardDeviations: [Float]) {
        precondition(means.count == 3 && standardDeviations.count == 3 && standardDeviations.allSatisfy { $0 > 0 },
                     "Reinhard needs three means and three positive standard deviations")
        self.means = means
        self.standardDeviations = standardDeviations
    }

    /// The L*a*b* statistics of `reference` as the target; nil when a channel is constant.
    public init?(fittedTo reference: RGBImage) {
        let (means, deviations) = Self.statistics(Self.lab(of: reference))
        guard deviations.allSatisfy({ $0 > 0 }) else { return nil }
        self.init(means: means, standardDeviations: deviations)
    }

    /// The tile with the target statistics; nil when the tile has a constant channel (nothing
    /// to standardise).
    public func normalize(_ tile: RGBImage) -> RGBImage? {
        let lab = Self.lab(of: tile)
        let (tileMeans, tileDeviations) = Self.statistics(lab)
        guard tileDeviations.allSatisfy({ $0 > 0 }) else { return nil }
        var pixels = [UInt8](repeating: 0, count: tile.pixels.count)
        for pixel in 0..<(tile.width * tile.height) {
            var value = [Float](repeating: 0, count: 3)
            for channel in 0..<3 {
                value[channel] = (lab[pixel * 3 + channel] - tileMeans[channel]) / tileDeviations[channel]
                    * standardDeviations[channel] + means[channel]
            }
            let (r, g, b) = LabColor.rgb(l: value[0], a: value[1], b: value[2])
            pixels[pixel * 3] = r
            pixels[pixel * 3 + 1] = g
            pixels[pixel * 3 + 2] = b
        }
        return RGBImage(width: tile.width, height: tile.height, pixels: pixels)
    }

    private static func lab(of image: RGBImage) -> [Float] {
        var lab = [Float](repeating: 0, count: image.pixels.count)
        for pixel in 0..<(image.width * image.height) {
            let (l, a, b) = LabColor.lab(red: image.pixels[pixel * 3], green: image.pixels[pixel * 3 + 1], blue: image.pixels[pixel * 3 + 2])
            lab[pixel * 3] = l
            lab[pixel * 3 + 1] = a
            lab[pixel * 3 + 2] = b
        }
        return lab
    }

    /// Mean and population standard deviation of each channel, accumulated in double precision.
    private static func statistics(_ lab: [Float]) -> ([Float], [Float]) {
        let count = Double(lab.count / 3)
        var sums = [Double](repeating: 0, count: 3), squares = [Double](repeating: 0, count: 3)
        for (index, value) in lab.enumerated() { sums[index % 3] += Double(value) }
        let means = sums.map { $0 / count }
        for (index, value) in lab.enumerated() {
            let centred = Double(value) - means[index % 3]
            squares[index % 3] += centred * centred
        }
        return (means.map(Float.init), squares.map { Float(($0 / count).squareRoot()) })
    }
}
