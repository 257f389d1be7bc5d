import Foundation
import Tensor

extension SyntheticSlide {
    /// Two or three tissue pieces side by side, each inside its own column of the slide with a
    /// margin, so pieces never touch each other or the slide edge.
    static func layOutTissue(_ configuration: Configuration, _ random: inout SeededGenerator) -> [TissueEllipse] {
        let count = 2 + Int(random.next() % 2)
        let columnWidth = Double(configuration.width) / Double(count)
        let height = Double(configuration.height)
        return (0..<count).map { index in
            let shiftX = random.nextUniform(in: -0.04...0.04) * columnWidth
            let shiftY = random.nextUniform(in: -0.04...0.04) * height
            let centerX = columnWidth * (Double(index) + 0.5) + shiftX
            let centerY = height / 2 + shiftY
            let lobes = [
                TissueEllipse.Lobe(frequency: 3, amplitude: random.nextUniform(in: 0.03...0.06), phase: random.nextUniform(in: 0...(2 * .pi))),
                TissueEllipse.Lobe(frequency: 5, amplitude: random.nextUniform(in: 0.02...0.04), phase: random.nextUniform(in: 0...(2 * .pi))),
            ]
            let angle = random.nextUniform(in: -0.5...0.5)
            let limitX = columnWidth * 0.44 - abs(shiftX), limitY = height * 0.44 - abs(shiftY)
            let draft = TissueEllipse(centerX: centerX, centerY: centerY, semiAxisX: limitX,
                                      semiAxisY: limitY * random.nextUniform(in: 0.7...0.95), angle: angle, lobes: lobes)
            // Shrink the draft until its rotated, lobed extent fits the column.
            let box = draft.boundingBox
            let scale = min(limitX / (Double(box.width) / 2), limitY / (Double(box.height) / 2), 1) * 0.98
            return TissueEllipse(centerX: centerX, centerY: centerY, semiAxisX: draft.semiAxisX * scale,
                                 semiAxisY: draft.semiAxisY * scale, angle: angle, lobes: lobes)
        }
    }

    /// A plain ellipse well inside `piece`: its centre within 30 % of the piece's radius of the
    /// piece centre and its size small enough that no lobe of the piece can cut it.
    static func layOutTumor(in piece: TissueEllipse, _ random: inout SeededGenerator) -> TissueEllipse {
        let distance = random.nextUniform(in: 0...0.3), direction = random.nextUniform(in: 0...(2 * .pi))
        let centre = piece.point(u: distance * cos(direction), v: distance * sin(direction))
        let room = (piece.minimumStretch - distance - 0.05) * min(piece.semiAxisX, piece.semiAxisY)
        let major = room * random.nextUniform(in: 0.45...0.85)
        return TissueEllipse(centerX: centre.x, centerY: centre.y, semiAxisX: major,
                             semiAxisY: major * random.nextUniform(in: 0.6...1.0), angle: random.nextUniform(in: 0...(.pi)))
    }
}
