/// One tile row of a reduced pyramid level, filled from the level above and written out when
/// full: the only pixels of that level held in memory.
final class PyramidBand {
    let width: Int
    let height: Int
    let tileSize: Int
    let file: TIFFFile
    /// Rows of the current band received so far (`tileSize` when full).
    private(set) var rowsFilled = 0
    /// Index of the tile row the band holds.
    private(set) var tileRow = 0
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, tileSize: Int, file: TIFFFile) {
        self.width = width
        self.height = height
        self.tileSize = tileSize
        self.file = file
        pixels = [UInt8](repeating: 255, count: width * tileSize * 3)
    }

    var tilesAcross: Int { (width + tileSize - 1) / tileSize }
    var tilesDown: Int { (height + tileSize - 1) / tileSize }
    /// Rows the current tile row has in the image (less than `tileSize` at the bottom).
    var rowsExpected: Int { min(tileSize, height - tileRow * tileSize) }
    var isFull: Bool { rowsFilled >= rowsExpected }

    /// Averages `factor` x `factor` blocks of a `sourceWidth` x `sourceHeight` RGB block (rows
    /// `sourceStride` pixels apart) into this band at column `column`, row `rowsFilled + rowOffset`.
    /// Edge blocks average only the pixels that exist.
    func receive(_ source: UnsafeBufferPointer<UInt8>, sourceStride: Int, sourceWidth: Int, sourceHeight: Int,
                 factor: Int, column: Int, rowOffset: Int = 0) {
        let outputWidth = (sourceWidth + factor - 1) / factor
        let outputHeight = (sourceHeight + factor - 1) / factor
        pixels.withUnsafeMutableBufferPointer { band in
            for outputRow in 0..<outputHeight {
                let bandRow = rowsFilled + rowOffset + outputRow
                let rowStart = outputRow * factor, rowEnd = min(rowStart + factor, sourceHeight)
                for outputColumn in 0..<outputWidth {
                    let columnStart = outputColumn * factor, columnEnd = min(columnStart + factor, sourceWidth)
                    var red = 0, green = 0, blue = 0
                    for row in rowStart..<rowEnd {
                        var offset = (row * sourceStride + columnStart) * 3
                        for _ in columnStart..<columnEnd {
                            red += Int(source[offset]); green += Int(source[offset + 1]); blue += Int(source[offset + 2])
                            offset += 3
                        }
                    }
                    let count = (rowEnd - rowStart) * (columnEnd - columnStart)
                    let target = (bandRow * width + column + outputColumn) * 3
                    band[target] = UInt8((red + count / 2) / count)
                    band[target + 1] = UInt8((green + count / 2) / count)
                    band[target + 2] = UInt8((blue + count / 2) / count)
                }
            }
        }
    }

    /// Records that `rows` more rows of the band are complete.
    func advance(rows: Int) {
        rowsFilled += rows
    }

    /// Encodes the band's tiles into `file`, then clears it for the next tile row.
    func writeTilesAndReset(onTile: () -> Void) throws {
        var tile = [UInt8](repeating: 255, count: tileSize * tileSize * 3)
        for tileColumn in 0..<tilesAcross {
            let x0 = tileColumn * tileSize, columns = min(tileSize, width - x0)
            for index in tile.indices { tile[index] = 255 }
            for row in 0..<rowsFilled {
                let source = (row * width + x0) * 3
                tile.replaceSubrange(row * tileSize * 3..<(row * tileSize + columns) * 3,
                                     with: pixels[source..<source + columns * 3])
            }
            try file.writeTile(&tile, x: x0, y: tileRow * tileSize)
            onTile()
        }
        for index in pixels.indices { pixels[index] = 255 }
        rowsFilled = 0
        tileRow += 1
    }
}
