import SlideIO
/// Smooth value noise over one rectangle: hashed values at the integer points of a lattice
/// `scale` µm apart, blended with smoothstep. The lattice values a rectangle needs are hashed
/// once up front, so each pixel costs one interpolation instead of four hashes; values are the
/// same whatever rectangle they were computed for.
struct NoiseField {
    private let seed: UInt64
    private let salt: UInt64
    private let scale: Double
    private let firstColumn: Int
    private let firstRow: Int
    private let columns: Int
    private let rows: Int
    private let values: [Double]

    /// A field covering level-0 pixels `rect` of a slide at `micronsPerPixel`.
    init(seed: UInt64, salt: UInt64, scale: Double, micronsPerPixel: Double, covering rect: Level0Rect) {
        self.seed = seed
        self.salt = salt
        self.scale = scale
        firstColumn = Int((Double(rect.x) * micronsPerPixel / scale).rounded(.down))
        firstRow = Int((Double(rect.y) * micronsPerPixel / scale).rounded(.down))
        let lastColumn = Int((Double(rect.x + rect.width) * micronsPerPixel / scale).rounded(.down)) + 1
        let lastRow = Int((Double(rect.y + rect.height) * micronsPerPixel / scale).rounded(.down)) + 1
        columns = lastColumn - firstColumn + 1
        rows = lastRow - firstRow + 1
        var values = [Double](repeating: 0, count: columns * rows)
        for row in 0..<rows {
            for column in 0..<columns {
                values[row * columns + column] = LatticeHash.unit(seed, firstColumn + column, firstRow + row, salt)
            }
        }
        self.values = values
    }

    /// The noise at (`ux`, `uy`) µm, in [0, 1).
    func value(_ ux: Double, _ uy: Double) -> Double {
        let x = ux / scale, y = uy / scale
        let x0 = x.rounded(.down), y0 = y.rounded(.down)
        let column = Int(x0) - firstColumn, row = Int(y0) - firstRow
        var fx = x - x0, fy = y - y0
        fx = fx * fx * (3 - 2 * fx)
        fy = fy * fy * (3 - 2 * fy)
        let a, b, c, d: Double
        if column >= 0, row >= 0, column + 1 < columns, row + 1 < rows {
            let base = row * columns + column
            a = values[base]; b = values[base + 1]; c = values[base + columns]; d = values[base + columns + 1]
        } else {
            let ix = Int(x0), iy = Int(y0)
            a = LatticeHash.unit(seed, ix, iy, salt); b = LatticeHash.unit(seed, ix + 1, iy, salt)
            c = LatticeHash.unit(seed, ix, iy + 1, salt); d = LatticeHash.unit(seed, ix + 1, iy + 1, salt)
        }
        return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy
    }
}
