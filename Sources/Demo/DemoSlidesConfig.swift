import Pipeline
import Synth

/// The synthetic slides of `slidemil demo` (what `slidemil synth --batch` takes). Even-numbered
/// slides get `tumors` tumour regions and the label `tumor`, odd-numbered ones are `normal`.
public struct DemoSlidesConfig: Codable, Equatable, Sendable {
    /// Number of slides, half of them tumour slides (default 40).
    public var count = 40
    /// Level-0 width in px (default 4000).
    public var width = 4000
    /// Level-0 height in px (default 3000).
    public var height = 3000
    /// Level-0 µm/px (default 0.25, a 40x scan).
    public var mpp = 0.25
    /// Tumour regions per tumour slide (default 3).
    public var tumors = 3
    /// Seed of the first slide; slide i uses seed + i (default 100).
    public var seed: UInt64 = 100
    /// JPEG quality of the tiles, 1...100 (default 90).
    public var quality = 90

    /// The default demo slides.
    public init() {}

    /// The `SynthRequest` that writes these slides into `folder`.
    public func request(folder: String) -> SynthRequest {
        SynthRequest(output: folder, width: width, height: height, micronsPerPixel: mpp, seed: seed, tumorCount: tumors,
                     jpegQuality: quality, batch: count)
    }

    /// Throws `PipelineError.invalidSetting` for values `slidemil synth` would refuse, or fewer
    /// than 4 slides (two of each class are needed to train and to hold out).
    public func validate() throws {
        if count < 4 { throw PipelineError.invalidSetting(key: "slides.count", problem: "must be at least 4") }
        if width < 256 || height < 256 { throw PipelineError.invalidSetting(key: "slides.width/height", problem: "must be at least 256 px") }
        if !(mpp > 0) { throw PipelineError.invalidSetting(key: "slides.mpp", problem: "must be positive") }
        if tumors < 1 { throw PipelineError.invalidSetting(key: "slides.tumors", problem: "must be at least 1") }
        if !(1...100).contains(quality) { throw PipelineError.invalidSetting(key: "slides.quality", problem: "must be in 1...100") }
    }
}
