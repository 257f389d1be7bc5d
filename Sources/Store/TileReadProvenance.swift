/// How the tiles behind a patch or feature file were read: which slide reader, which resampling
/// path for tiles shrunk from a finer level, and how many unreadable tiles were skipped.
///
/// Stored as the attributes `slide_reader`, `resampling` and `skipped_tiles` next to the file's
/// other provenance attributes; absent in files other tools (and older SlideMIL versions) wrote.
public struct TileReadProvenance: Sendable, Equatable {
    /// `direct` (libtiff + libjpeg-turbo) or `openslide`.
    public var reader: String
    /// `exact` (decode, then area-average) or `reduced-decode` (DCT-domain scaling first).
    public var resampling: String
    /// Tiles that could not be read and were left out (`--skip-bad-tiles`).
    public var skippedTiles: Int

    public init(reader: String, resampling: String, skippedTiles: Int = 0) {
        self.reader = reader
        self.resampling = resampling
        self.skippedTiles = skippedTiles
    }

    func write(to attributes: HDF5AttributeSet) throws {
        try attributes.set("slide_reader", .string(reader))
        try attributes.set("resampling", .string(resampling))
        try attributes.set("skipped_tiles", .integer(Int64(skippedTiles)))
    }

    static func read(from attributes: HDF5AttributeSet) -> TileReadProvenance? {
        guard let reader = attributes["slide_reader"]?.stringValue, let resampling = attributes["resampling"]?.stringValue else { return nil }
        return TileReadProvenance(reader: reader, resampling: resampling,
                                  skippedTiles: Int(attributes["skipped_tiles"]?.integerValue ?? 0))
    }
}
