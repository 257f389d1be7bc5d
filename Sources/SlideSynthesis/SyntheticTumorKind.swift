import Foundation
import Raster
import SlideIO

/// One of several tumour kinds told apart by colour, for multi-class synthetic slides.
///
/// Kind k of K recolours the standard tumour pixels (`SyntheticSlide`'s) by a hue rotation of
/// 360°·k/K about the grey axis, which keeps each pixel's brightness roughly and moves its hue
/// far from the other kinds' (with K = 2: purple and green). Kind 0 leaves the tumour as it is,
/// so one kind equals the binary slides. Normal tissue is never recoloured.
public struct SyntheticTumorKind: Equatable, Sendable {
    /// 0..<count.
    public let index: Int
    /// Number of kinds K ≥ 1.
    public let count: Int
    private let matrix: [Double]

    /// - Precondition: 0 ≤ index < count.
    public init(index: Int, of count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "tumour kind \(index) of \(count)")
        self.index = index
        self.count = count
        let angle = 2 * Double.pi * Double(index) / Double(count), c = cos(angle), s = sin(angle)
        let third = 1.0 / 3, root = (1.0 / 3).squareRoot()
        // Rotation about (1, 1, 1)/√3 (Rodrigues): rows of the RGB matrix.
        matrix = [c + (1 - c) * third, third * (1 - c) - root * s, third * (1 - c) + root * s,
                  third * (1 - c) + root * s, c + third * (1 - c), third * (1 - c) - root * s,
                  third * (1 - c) - root * s, third * (1 - c) + root * s, c + third * (1 - c)]
    }

    /// The colour of a tumour pixel of this kind.
    public func recolour(red: UInt8, green: UInt8, blue: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        guard index > 0 else { return (red, green, blue) }
        let rgb = [Double(red), Double(green), Double(blue)]
        func channel(_ row: Int) -> UInt8 {
            UInt8(max(0, min(255, (matrix[3 * row] * rgb[0] + matrix[3 * row + 1] * rgb[1] + matrix[3 * row + 2] * rgb[2]).rounded())))
        }
        return (channel(0), channel(1), channel(2))
    }
}

extension SyntheticSlide {
    /// `region(x:y:width:height:)` with the tumour pixels recoloured as `kind`.
    public func region(x: Int, y: Int, width: Int, height: Int, tumorKind kind: SyntheticTumorKind) -> RGBImage {
        var image = region(x: x, y: y, width: width, height: height)
        guard kind.index > 0 else { return image }
        let area = Level0Rect(x: x, y: y, width: width, height: height)
        for (index, tumor) in tumorRegions.enumerated() where tumor.boundingBox.intersects(area) {
            let box = tumor.boundingBox
            for py in max(y, box.y)..<min(y + height, box.y + box.height) {
                for px in max(x, box.x)..<min(x + width, box.x + box.width)
                where px >= 0 && py >= 0 && px < configuration.width && py < configuration.height
                    && tumor.contains(x: Double(px) + 0.5, y: Double(py) + 0.5)
                    // A pixel of two overlapping tumours is recoloured once, by the first.
                    && !tumorRegions[..<index].contains(where: { $0.contains(x: Double(px) + 0.5, y: Double(py) + 0.5) }) {
                    let offset = ((py - y) * width + (px - x)) * 3
                    let colour = kind.recolour(red: image.pixels[offset], green: image.pixels[offset + 1], blue: image.pixels[offset + 2])
                    image.pixels[offset] = colour.red
                    image.pixels[offset + 1] = colour.green
                    image.pixels[offset + 2] = colour.blue
                }
            }
        }
        return image
    }
}
