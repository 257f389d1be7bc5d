import Foundation
import SlideIO

/// A blobby ellipse in level-0 pixels: an ellipse whose radius is modulated by a few sine lobes,
/// the shape of a synthetic tissue piece or tumour.
public struct TissueEllipse: Codable, Sendable, Equatable {
    /// One radial modulation: radius factor `1 + amplitude * sin(frequency * phi + phase)`.
    public struct Lobe: Codable, Sendable, Equatable {
        public let frequency: Int
        public let amplitude: Double
        public let phase: Double
    }

    public let centerX: Double
    public let centerY: Double
    /// Semi-axes before rotation, level-0 pixels.
    public let semiAxisX: Double
    public let semiAxisY: Double
    /// Rotation, radians, counter-clockwise in image coordinates (y down).
    public let angle: Double
    public let lobes: [Lobe]
    // Cached for the per-pixel test; not part of the file format.
    private let cosine: Double
    private let sine: Double
    private let inner: Double
    private let outer: Double

    private enum CodingKeys: String, CodingKey {
        case centerX, centerY, semiAxisX, semiAxisY, angle, lobes
    }

    /// A shape; `lobes` default to none (a plain ellipse).
    public init(centerX: Double, centerY: Double, semiAxisX: Double, semiAxisY: Double, angle: Double, lobes: [Lobe] = []) {
        self.centerX = centerX
        self.centerY = centerY
        self.semiAxisX = semiAxisX
        self.semiAxisY = semiAxisY
        self.angle = angle
        self.lobes = lobes
        cosine = cos(angle)
        sine = sin(angle)
        let spread = lobes.reduce(0) { $0 + abs($1.amplitude) }
        inner = 1 - spread
        outer = 1 + spread
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(centerX: try container.decode(Double.self, forKey: .centerX),
                  centerY: try container.decode(Double.self, forKey: .centerY),
                  semiAxisX: try container.decode(Double.self, forKey: .semiAxisX),
                  semiAxisY: try container.decode(Double.self, forKey: .semiAxisY),
                  angle: try container.decode(Double.self, forKey: .angle),
                  lobes: try container.decode([Lobe].self, forKey: .lobes))
    }

    /// The largest factor the lobes can stretch the radius by.
    var maximumStretch: Double { outer }
    /// The smallest factor the lobes can shrink the radius to.
    var minimumStretch: Double { inner }

    /// The smallest level-0 rectangle holding every pixel whose centre is inside.
    public var boundingBox: Level0Rect {
        let c = cos(angle), s = sin(angle)
        let halfWidth = (semiAxisX * semiAxisX * c * c + semiAxisY * semiAxisY * s * s).squareRoot() * maximumStretch
        let halfHeight = (semiAxisX * semiAxisX * s * s + semiAxisY * semiAxisY * c * c).squareRoot() * maximumStretch
        let x0 = Int((centerX - halfWidth).rounded(.down)), y0 = Int((centerY - halfHeight).rounded(.down))
        let x1 = Int((centerX + halfWidth).rounded(.up)), y1 = Int((centerY + halfHeight).rounded(.up))
        return Level0Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The point (`x`, `y`) in the ellipse's own frame, scaled so the plain ellipse is the unit circle.
    func normalised(x: Double, y: Double) -> (u: Double, v: Double) {
        let dx = x - centerX, dy = y - centerY
        let c = cosine, s = sine
        return ((dx * c + dy * s) / semiAxisX, (-dx * s + dy * c) / semiAxisY)
    }

    /// Whether the point (`x`, `y`), in level-0 pixels, is inside.
    /// - Complexity: O(1); an `atan2` and one `sin` per lobe only near the boundary.
    public func contains(x: Double, y: Double) -> Bool {
        let (u, v) = normalised(x: x, y: y)
        let radiusSquared = u * u + v * v
        if radiusSquared <= inner * inner { return true }
        if radiusSquared > outer * outer { return false }
        let phi = atan2(v, u)
        var limit = 1.0
        for lobe in lobes { limit += lobe.amplitude * sin(Double(lobe.frequency) * phi + lobe.phase) }
        return radiusSquared <= limit * limit
    }

    /// The level-0 point at normalised position (`u`, `v`) of the plain ellipse.
    func point(u: Double, v: Double) -> (x: Double, y: Double) {
        let c = cosine, s = sine
        let dx = u * semiAxisX, dy = v * semiAxisY
        return (centerX + dx * c - dy * s, centerY + dx * s + dy * c)
    }
}
