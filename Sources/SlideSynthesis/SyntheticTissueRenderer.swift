import Foundation
import SlideIO

/// The colour model of synthetic H&E tissue: eosin-pink stroma with a smooth two-scale texture,
/// and hematoxylin-purple nuclei on a jittered grid. Sizes are in µm, so slides of any
/// resolution look alike at the same magnification.
struct SyntheticTissueRenderer: Sendable {
    let seed: UInt64
    let micronsPerPixel: Double

    /// Nuclei of one kind of tissue, sizes in µm.
    private struct NucleusModel {
        let spacing: Double
        let probability: Double
        let radius: ClosedRange<Double>
        /// Radial irregularity (0 for round nuclei).
        let irregularity: Double
        /// Lattice cells searched on each side of the pixel's own cell.
        let reach: Int
        let colour: (Double, Double, Double)
        let stroma: (Double, Double, Double)
        let salt: UInt64
    }

    // Normal nuclei stay inside their own cell (jitter + radius < spacing / 2): one cell to check.
    private static let normal = NucleusModel(spacing: 12, probability: 0.5, radius: 2.4...3.4, irregularity: 0,
                                             reach: 0, colour: (92, 58, 138), stroma: (236, 165, 196), salt: 0x4E4F)
    // Tumour nuclei are crowded and large and may cross into neighbouring cells.
    private static let tumor = NucleusModel(spacing: 9, probability: 0.92, radius: 3.2...4.6, irregularity: 0.22,
                                            reach: 1, colour: (64, 32, 108), stroma: (214, 140, 190), salt: 0x5455)

    /// Texture fields for the level-0 pixels of `rect`, to pass to `tissue`.
    func texture(covering rect: Level0Rect) -> TissueTexture {
        TissueTexture(
            coarse: NoiseField(seed: seed, salt: 1, scale: 12, micronsPerPixel: micronsPerPixel, covering: rect),
            fine: NoiseField(seed: seed, salt: 2, scale: 4, micronsPerPixel: micronsPerPixel, covering: rect),
            chromatin: NoiseField(seed: seed, salt: 3, scale: 1.2, micronsPerPixel: micronsPerPixel, covering: rect))
    }

    /// The colour of tissue at level-0 pixel (`x`, `y`), which `texture` must cover.
    func tissue(x: Int, y: Int, tumor: Bool, texture: TissueTexture) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let model = tumor ? Self.tumor : Self.normal
        let ux = (Double(x) + 0.5) * micronsPerPixel, uy = (Double(y) + 0.5) * micronsPerPixel
        if nucleusCovers(ux, uy, model) {
            let chromatin = texture.chromatin.value(ux, uy)
            return (clamp(model.colour.0 - 18 * chromatin), clamp(model.colour.1 - 14 * chromatin), clamp(model.colour.2 - 16 * chromatin))
        }
        let grain = 0.6 * texture.coarse.value(ux, uy) + 0.4 * texture.fine.value(ux, uy)
        return (clamp(model.stroma.0 - 18 * grain), clamp(model.stroma.1 - 42 * grain), clamp(model.stroma.2 - 22 * grain))
    }

    private func nucleusCovers(_ ux: Double, _ uy: Double, _ model: NucleusModel) -> Bool {
        let cellX = Int((ux / model.spacing).rounded(.down)), cellY = Int((uy / model.spacing).rounded(.down))
        for dy in -model.reach...model.reach {
            for dx in -model.reach...model.reach {
                let cx = cellX + dx, cy = cellY + dy
                let hash = LatticeHash.hash(seed, cx, cy, model.salt)
                guard Double(hash & 0xFFFF) / 65536 < model.probability else { continue }
                let radius = model.radius.lowerBound + (model.radius.upperBound - model.radius.lowerBound) * Double((hash >> 16) & 0xFF) / 255
                let jitter = model.reach == 0 ? model.spacing / 2 - model.radius.upperBound - 0.3 : model.spacing * 0.3
                let centreX = (Double(cx) + 0.5) * model.spacing + jitter * (Double((hash >> 24) & 0xFF) / 127.5 - 1)
                let centreY = (Double(cy) + 0.5) * model.spacing + jitter * (Double((hash >> 32) & 0xFF) / 127.5 - 1)
                let ddx = ux - centreX, ddy = uy - centreY
                let distanceSquared = ddx * ddx + ddy * ddy
                var limit = radius
                if model.irregularity > 0 {
                    let outer = radius * (1 + model.irregularity)
                    if distanceSquared > outer * outer { continue }
                    let phase = Double((hash >> 40) & 0xFF) / 255 * 2 * .pi
                    limit = radius * (1 + model.irregularity * sin(3 * atan2(ddy, ddx) + phase))
                }
                if distanceSquared <= limit * limit { return true }
            }
        }
        return false
    }

    private func clamp(_ value: Double) -> UInt8 {
        UInt8(max(0, min(255, value.rounded())))
    }
}

/// The noise fields one region of tissue is textured with.
struct TissueTexture {
    let coarse: NoiseField
    let fine: NoiseField
    let chromatin: NoiseField
}
