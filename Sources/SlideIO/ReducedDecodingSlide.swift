import Raster

/// A slide that can decode a region straight at 1/2, 1/4 or 1/8 of its size (JPEG's DCT-domain
/// scaling), instead of decoding every pixel and shrinking afterwards.
public protocol ReducedDecodingSlide: Slide {
    /// The region `readRegion(level:x:y:width:height:)` reads, decoded at 1/`reduction` of its
    /// size: `width / reduction` x `height / reduction` px. Returns `nil` when this region cannot
    /// be decoded so (the level is not read directly, or its position or size at that level is not
    /// a multiple of `reduction`); the caller then reads it at full size.
    /// - Precondition: `reduction` is 2, 4 or 8.
    func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int, reduction: Int) throws -> RGBImage?
}
