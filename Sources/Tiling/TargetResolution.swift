import SlideIO

/// The resolution tiles are wanted at.
public enum TargetResolution: Equatable, Sendable, CustomStringConvertible {
    /// Microns per pixel of the tiles (e.g. 0.5).
    case micronsPerPixel(Double)
    /// Objective magnification (e.g. 20), read as `10 / magnification` µm/px: the convention
    /// that maps 40× to 0.25 and 20× to 0.5 µm/px.
    case magnification(Double)

    /// µm/px that `magnification` stands for under the 10/mag convention.
    public static func micronsPerPixel(forMagnification magnification: Double) -> Double { 10 / magnification }

    public var description: String {
        switch self {
        case let .micronsPerPixel(mpp): return "\(mpp) µm/px"
        case let .magnification(mag): return "\(mag)×"
        }
    }

    /// Level-0 px per target px on `slide`.
    ///
    /// The slide's level-0 resolution comes from `override`, else its metadata, else its
    /// objective power (10/power µm/px); both the target and the slide resolution are then µm/px,
    /// so a 20× target on a 40× scan is 2 whatever the convention.
    /// - Throws: `TilingError.unknownResolution` when none of the three is known;
    ///   `TilingError.invalidParameter` for a non-positive target.
    public func level0PixelsPerTargetPixel(slide: Slide, override: MicronsPerPixel? = nil) throws -> Double {
        let target: Double
        switch self {
        case let .micronsPerPixel(mpp): target = mpp
        case let .magnification(mag): target = mag > 0 ? Self.micronsPerPixel(forMagnification: mag) : .nan
        }
        guard target > 0, target.isFinite else {
            throw TilingError.invalidParameter(name: "target resolution", value: description, reason: "must be positive")
        }
        guard let slideMpp = Self.level0MicronsPerPixel(slide: slide, override: override) else {
            throw TilingError.unknownResolution(slide: slide.path)
        }
        return target / slideMpp
    }

    /// The slide's level-0 µm/px (mean of x and y) from `override`, metadata or objective power,
    /// in that order; nil when none is known.
    public static func level0MicronsPerPixel(slide: Slide, override: MicronsPerPixel? = nil) -> Double? {
        if let mpp = override ?? slide.micronsPerPixel, mpp.x > 0, mpp.y > 0 { return (mpp.x + mpp.y) / 2 }
        if let power = slide.objectivePower, power > 0 { return micronsPerPixel(forMagnification: power) }
        return nil
    }
}
