/// Something a segmentation adapted to or could not do, for the user to check on the QC picture.
public enum TissueWarning: Equatable, Sendable, CustomStringConvertible {
    /// Otsu had nothing to split or landed below the floor; the fixed threshold was used.
    case otsuFallback(otsu: UInt8?, used: UInt8)
    /// No tissue pixel at all survived thresholding.
    case noTissue
    /// Every piece was below the minimum area; pieces of at least a tenth of the largest
    /// (`usedSquareMicrons`) were kept instead.
    case minimumAreaRelaxed(usedSquareMicrons: Double)
    /// The slide's mpp is unknown; area limits were converted at the reference resolution.
    case areasAtReferenceResolution(micronsPerPixel: Double)
    /// The nearest level was too large; the image was shrunk to fit the size cap.
    case downsampleRaised(from: Double, to: Double)

    public var description: String {
        switch self {
        case let .otsuFallback(otsu, used):
            let found = otsu.map { "Otsu threshold \($0) looks like background noise" } ?? "saturation histogram has a single value"
            return "\(found); used the fixed saturation threshold \(used)"
        case .noTissue:
            return "no tissue found; check the mask picture or lower the saturation threshold"
        case let .minimumAreaRelaxed(area):
            return "every tissue piece is below the minimum area; kept pieces of at least \(Int(area)) µm² (a tenth of the largest)"
        case let .areasAtReferenceResolution(mpp):
            return "microns per pixel unknown; area limits converted at \(mpp) µm/px"
        case let .downsampleRaised(from, to):
            return "segmentation downsample raised from \(from) to \(to) to cap the image size"
        }
    }
}
