/// One pyramid level the direct reader decodes itself: a tiled JPEG directory of the TIFF.
struct JPEGTIFFLevel: Sendable {
    /// The TIFF directory holding the level.
    let directory: Int
    let width: Int
    let height: Int
    let tileWidth: Int
    let tileHeight: Int
    /// Photometric RGB: the JPEG components are R, G, B and are not converted (libtiff's reading);
    /// otherwise (YCbCr) they are converted from YCbCr, whatever markers the stream carries.
    let isRGB: Bool
    /// What goes before a tile's own bytes (after its SOI marker) to make a complete JPEG stream:
    /// SOI, an Adobe marker stating the colour transform, and the directory's shared JPEGTables
    /// without their EOI.
    let streamPrefix: [UInt8]

    var tilesAcross: Int { (width + tileWidth - 1) / tileWidth }
    var tilesDown: Int { (height + tileHeight - 1) / tileHeight }

    /// An Adobe APP14 marker whose colour transform is 0 (components are RGB) or 1 (YCbCr).
    /// libtiff decides the colour space from the photometric tag alone (YCbCr: convert; RGB:
    /// leave as is), not from the stream's markers or component ids as libjpeg would; this marker
    /// makes libjpeg-turbo decide the same way.
    static func adobeMarker(transform: UInt8) -> [UInt8] {
        [0xFF, 0xEE, 0x00, 0x0E, 0x41, 0x64, 0x6F, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, transform]
    }

    /// The Adobe colour transform of this level's tiles.
    var adobeTransform: UInt8 { isRGB ? 0 : 1 }

    /// The stream prefix for a level with `tables` (the JPEGTables tag, empty when absent).
    static func streamPrefix(tables: [UInt8], isRGB: Bool) -> [UInt8] {
        var prefix: [UInt8] = [0xFF, 0xD8] + adobeMarker(transform: isRGB ? 0 : 1)
        // JPEGTables is itself SOI, tables, EOI: keep only the tables.
        if tables.count >= 4, tables.starts(with: [0xFF, 0xD8]) {
            prefix += tables[2..<tables.count - (tables.suffix(2) == [0xFF, 0xD9] ? 2 : 0)]
        }
        return prefix
    }
}
