/// Where a slide's microns-per-pixel came from, so reports can say how far to trust it.
public enum ResolutionSource: String, Sendable, Codable {
    /// OpenSlide's `openslide.mpp-x` / `openslide.mpp-y` (vendor metadata).
    case openSlideProperties = "openslide-properties"
    /// TIFF XResolution/YResolution with ResolutionUnit centimetre or inch.
    case tiffResolutionTags = "tiff-resolution-tags"
    /// A value the caller passed when opening the slide.
    case override = "override"
    /// Nothing gave it.
    case unknown = "unknown"
}
