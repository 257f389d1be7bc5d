/// One pyramid level the direct reader decodes itself: a tiled JPEG directory of the TIFF.
struct JPEGTIFFLevel: Sendable {
    /// The TIFF directory holding the level.
    let directory: Int
    let width: Int
    let height: Int
    let tileWidth: Int
    let tileHeight: Int
    /// Photometric RGB (Aperio's "JPEG/RGB"): decoded like YCbCr all the same, as libtiff does.
    let isRGB: Bool
    /// What goes before a tile's own bytes (after its SOI marker) to make a complete JPEG stream:
    /// SOI, an Adobe marker saying "YCbCr", and the directory's shared JPEGTables without their EOI.
    let streamPrefix: [UInt8]

    var tilesAcross: Int { (width + tileWidth - 1) / tileWidth }
    var tilesDown: Int { (height + tileHeight - 1) / tileHeight }

    /// The Adobe APP14 marker with transform 1: the three components are YCbCr. libtiff has
    /// libjpeg convert every 3-component JPEG tile from YCbCr, whatever the TIFF's photometric tag
    /// or the stream's component ids say; this marker makes libjpeg-turbo do the same.
    static let adobeYCbCrMarker: [UInt8] = [0xFF, 0xEE, 0x00, 0x0E, 0x41, 0x64, 0x6F, 0x62, 0x65, 0x00, 0x64,
                                            0x00, 0x00, 0x00, 0x00, 0x01]

    /// The stream prefix for a level with `tables` (the JPEGTables tag, empty when absent).
    static func streamPrefix(tables: [UInt8]) -> [UInt8] {
        var prefix: [UInt8] = [0xFF, 0xD8] + adobeYCbCrMarker
        // JPEGTables is itself SOI, tables, EOI: keep only the tables.
        if tables.count >= 4, tables.starts(with: [0xFF, 0xD8]) {
            prefix += tables[2..<tables.count - (tables.suffix(2) == [0xFF, 0xD9] ? 2 : 0)]
        }
        return prefix
    }
}
