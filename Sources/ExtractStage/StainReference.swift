import Foundation
import Heatmap
import SlideIO
import Tiling

extension StainNormalization {
    /// `method` fitted to the PNG tile at `referencePath`, or (Macenko only) to Macenko's
    /// standard reference when the path is nil: what `--stain-normalization` and
    /// `--stain-reference` ask for.
    /// - Throws: `StainNormalizationError` or the PNG decoder's error, naming the file.
    public static func fitted(method: String, referencePath: String?) throws -> StainNormalization {
        guard let referencePath else { return try fitted(method: method, reference: nil, source: "--stain-reference") }
        let tile = try PNGCodec.decode(contentsOf: URL(fileURLWithPath: referencePath))
        return try fitted(method: method, reference: tile, source: referencePath)
    }
}
