/// An 8-bit RGB colour.
public struct RGBColor: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Channel intensities, 0 (none) to 255 (full).
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    /// A colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `(r, g, b)`, for messages.
    public var description: String { "(\(red), \(green), \(blue))" }
}

/// A colormap from scalar values in `0...1` to colours, reproducing matplotlib's colormaps of the
/// same name byte for byte (`cmap(value, bytes=True)`).
///
/// Like matplotlib, each map is a 256-entry lookup table; `value` selects entry
/// `min(Int(value * 256), 255)`, values below 0 give the first entry and above 1 the last. NaN
/// gives the first entry (matplotlib would give its transparent "bad" colour; heatmaps never
/// feed NaN, and an opaque colour keeps PNG output RGB).
public enum Colormap: String, CaseIterable, Sendable {
    /// Matplotlib's `jet` (blue, cyan, yellow, red): what CLAM's heatmaps use.
    case jet
    /// Matplotlib's `viridis`: perceptually uniform, readable in grey and by colour-blind viewers.
    case viridis

    /// Number of entries in every lookup table.
    public static let entries = 256

    /// The colour for `value` (see the type's description for clamping).
    public func color(at value: Double) -> RGBColor {
        table[Self.index(for: value)]
    }

    /// The colour for `value`, as a `Float` (what attention scores are stored as).
    public func color(at value: Float) -> RGBColor {
        color(at: Double(value))
    }

    /// All 256 entries, from value 0 to value 1.
    public var table: [RGBColor] {
        switch self {
        case .jet: return Self.jetBytes
        case .viridis: return Self.viridisBytes
        }
    }

    static func index(for value: Double) -> Int {
        guard value.isFinite else { return value == .infinity ? entries - 1 : 0 }
        let scaled = value * Double(entries)
        if scaled < 0 { return 0 }
        return min(Int(scaled), entries - 1)
    }

    /// Matplotlib converts to bytes by truncation (`(lut * 255).astype(uint8)`), not rounding.
    private static func bytes(_ rgb: (Double, Double, Double)) -> RGBColor {
        func byte(_ component: Double) -> UInt8 { UInt8(min(max(component, 0), 1) * 255) }
        return RGBColor(red: byte(rgb.0), green: byte(rgb.1), blue: byte(rgb.2))
    }

    private static let viridisBytes: [RGBColor] = viridisTable.map(bytes)

    private static let jetBytes: [RGBColor] = {
        let red = jetRed.table(entries: entries), green = jetGreen.table(entries: entries)
        let blue = jetBlue.table(entries: entries)
        return (0..<entries).map { bytes((red[$0], green[$0], blue[$0])) }
    }()

    // Matplotlib's `_jet_data`: piecewise-linear channels through these (position, value) points.
    private static let jetRed = PiecewiseLinear([(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)])
    private static let jetGreen = PiecewiseLinear([(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)])
    private static let jetBlue = PiecewiseLinear([(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)])
}

/// A continuous piecewise-linear function on `0...1` through sorted control points, sampled the
/// way matplotlib's `LinearSegmentedColormap` builds its lookup table.
struct PiecewiseLinear {
    let points: [(x: Double, y: Double)]

    init(_ points: [(x: Double, y: Double)]) {
        self.points = points
    }

    /// Samples at `entries` evenly spaced positions from 0 to 1.
    ///
    /// The arithmetic follows matplotlib's `_create_lookup_table` step for step (positions scaled
    /// by `entries - 1`, numpy's `linspace` spacing, `distance × Δy + y`), because truncating to
    /// bytes afterwards turns a one-ulp difference into a different colour.
    func table(entries: Int) -> [Double] {
        let scale = Double(entries - 1)
        let xs = points.map { $0.x * scale }
        let step = 1 / scale
        return (0..<entries).map { index in
            if index == 0 { return points[0].y }
            if index == entries - 1 { return points[points.count - 1].y }
            let position = scale * (Double(index) * step)
            let upper = xs.firstIndex { $0 >= position } ?? xs.count - 1
            let distance = (position - xs[upper - 1]) / (xs[upper] - xs[upper - 1])
            return distance * (points[upper].y - points[upper - 1].y) + points[upper - 1].y
        }
    }
}
