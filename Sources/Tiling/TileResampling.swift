import SlideIO

/// How a tile read at one level is brought to the tile size when that level is finer than the
/// target (20x tiles from a 40x level, say).
public enum TileResampling: String, Sendable, Codable, CaseIterable {
    /// Decode the full-resolution region, then area-average it down: the same bytes on every
    /// reader, the slower path.
    case exact
    /// Where the slide can (`ReducedDecodingSlide`), decode the stored JPEG tiles at 1/2, 1/4 or
    /// 1/8 in the DCT domain and area-average any remaining factor; elsewhere as `exact`.
    /// Differs from `exact` by about one grey level on average.
    case reducedDecode = "reduced-decode"
}
