/// Shrinks an image fed to it in bands of rows by averaging every source pixel into the output
/// pixel whose area it falls in (box filter), so a large source never has to be held whole.
///
/// Memory is `outputWidth * outputHeight` sums; each source pixel is visited once.
struct AreaAverager {
    let sourceWidth: Int
    let sourceHeight: Int
    let outputWidth: Int
    let outputHeight: Int
    private var sums: [UInt32]
    private var counts: [UInt32]
    private let columnTarget: [Int]

    init(sourceWidth: Int, sourceHeight: Int, outputWidth: Int, outputHeight: Int) {
        precondition(outputWidth >= 1 && outputHeight >= 1 && outputWidth <= sourceWidth && outputHeight <= sourceHeight)
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        sums = [UInt32](repeating: 0, count: outputWidth * outputHeight * 3)
        counts = [UInt32](repeating: 0, count: outputWidth * outputHeight)
        columnTarget = (0..<sourceWidth).map { $0 * outputWidth / sourceWidth }
    }

    /// Adds `band`, whose first row is source row `firstRow` and whose width is `sourceWidth`.
    mutating func add(_ band: RGBImage, firstRow: Int) {
        precondition(band.width == sourceWidth)
        for row in 0..<band.height {
            let outputRow = (firstRow + row) * outputHeight / sourceHeight
            let rowBase = outputRow * outputWidth
            for column in 0..<sourceWidth {
                let target = rowBase + columnTarget[column]
                let source = (row * sourceWidth + column) * 3
                sums[target * 3] += UInt32(band.pixels[source])
                sums[target * 3 + 1] += UInt32(band.pixels[source + 1])
                sums[target * 3 + 2] += UInt32(band.pixels[source + 2])
                counts[target] += 1
            }
        }
    }

    /// The averaged image; pixels no source pixel reached stay white.
    func result() -> RGBImage {
        var image = RGBImage(width: outputWidth, height: outputHeight)
        for index in 0..<counts.count where counts[index] > 0 {
            let count = counts[index]
            for channel in 0..<3 {
                image.pixels[index * 3 + channel] = UInt8((sums[index * 3 + channel] + count / 2) / count)
            }
        }
        return image
    }
}
