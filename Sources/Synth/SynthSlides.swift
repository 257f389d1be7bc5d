import Foundation
import RunSupport
import SlideIO
import SlideSynthesis

/// What `slidemil synth` makes: one synthetic slide, or a batch of them with a labels CSV.
public struct SynthRequest: Sendable, Equatable {
    /// Single mode: the slide file (`.tif`). Batch mode: the folder to fill.
    public var output: String
    /// Level-0 size, pixels.
    public var width: Int
    public var height: Int
    /// Level-0 resolution written to the resolution tags.
    public var micronsPerPixel: Double
    /// The seed of the (first) slide; batch slide `i` uses `seed + i`.
    public var seed: UInt64
    /// Tumour regions per tumour slide (0: normal).
    public var tumorCount: Int
    /// JPEG quality, 1...100.
    public var jpegQuality: Int
    /// `nil` for one slide; `n` for `n` slides, even-numbered ones with tumours, odd ones normal.
    public var batch: Int?
    /// Classes of a batch, 2...10: with 2, tumour and normal slides alternate; with N ≥ 3, slide
    /// i is of class i mod N: `tumor_1` … `tumor_<N−1>` (tumour kinds told apart by colour,
    /// `SyntheticTumorKind`), then `normal`.
    public var classes: Int

    public init(output: String, width: Int = 6000, height: Int = 4000, micronsPerPixel: Double = 0.25, seed: UInt64 = 0,
                tumorCount: Int = 1, jpegQuality: Int = 90, batch: Int? = nil, classes: Int = 2) {
        self.output = output
        self.width = width
        self.height = height
        self.micronsPerPixel = micronsPerPixel
        self.seed = seed
        self.tumorCount = tumorCount
        self.jpegQuality = jpegQuality
        self.batch = batch
        self.classes = classes
    }
}

/// One slide `SynthSlides` wrote.
public struct SynthesizedSlide: Sendable, Equatable {
    /// File name without extension, as in the labels CSV.
    public let slideID: String
    public let slidePath: String
    public let truthPath: String
    /// "tumor" or "normal"; with more than two classes `tumor_<k>` or "normal".
    public let label: String
}

/// Writes synthetic slides: the pyramidal TIFF, its ground-truth JSON beside it and, in batch
/// mode, `labels.csv` (`slide_id,label`). Each file is written atomically.
public enum SynthSlides {
    /// Makes the slides of `request`, reporting tile progress to `progress`.
    /// - Throws: `SlideError` for bad sizes or a failed write; `CocoaError` when the folder
    ///   cannot be created.
    @discardableResult
    public static func run(_ request: SynthRequest, progress: ProgressReporter? = nil) throws -> [SynthesizedSlide] {
        guard let count = request.batch else {
            // A single slide's folder is made as a batch's is, so `synth new/x.tif` works.
            let folder = URL(fileURLWithPath: request.output).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return [try writeSlide(path: request.output, seed: request.seed, tumorCount: request.tumorCount, request, progress)]
        }
        guard count >= 1 else { throw SlideError.invalidConfiguration(reason: "batch size \(count) (use 1 or more)") }
        guard (2...10).contains(request.classes) else {
            throw SlideError.invalidConfiguration(reason: "\(request.classes) classes (use 2...10)")
        }
        try FileManager.default.createDirectory(atPath: request.output, withIntermediateDirectories: true)
        let digits = String(count - 1).count
        var slides: [SynthesizedSlide] = []
        for index in 0..<count {
            let number = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
            let path = (request.output as NSString).appendingPathComponent("synthetic_\(number).tif")
            let kinds = request.classes - 1, kind = index % request.classes
            let tumorKind = kind < kinds ? SyntheticTumorKind(index: kind, of: kinds) : nil
            slides.append(try writeSlide(path: path, seed: request.seed &+ UInt64(index), tumorCount: tumorKind == nil ? 0 : request.tumorCount,
                                         tumorKind: tumorKind, request, progress))
        }
        let csv = "slide_id,label\n" + slides.map { "\($0.slideID),\($0.label)\n" }.joined()
        try Data(csv.utf8).write(to: URL(fileURLWithPath: (request.output as NSString).appendingPathComponent("labels.csv")),
                                 options: .atomic)
        return slides
    }

    private static func writeSlide(path: String, seed: UInt64, tumorCount: Int, tumorKind: SyntheticTumorKind? = nil, _ request: SynthRequest,
                                   _ progress: ProgressReporter?) throws -> SynthesizedSlide {
        let configuration = SyntheticSlide.Configuration(width: request.width, height: request.height,
                                                         micronsPerPixel: request.micronsPerPixel, seed: seed, tumorCount: tumorCount)
        let slide = try SyntheticSlide(configuration)
        let name = (path as NSString).lastPathComponent
        let description = "SlideMIL synthetic H&E slide; seed \(seed); \(tumorCount) tumour region(s); \(request.micronsPerPixel) um/px"
        let writer = try PyramidalTIFFWriter(
            width: request.width, height: request.height, compression: .jpeg(quality: request.jpegQuality),
            micronsPerPixel: MicronsPerPixel(x: request.micronsPerPixel, y: request.micronsPerPixel), imageDescription: description)
        progress?.restart()
        try writer.write(to: path, progress: {
            progress?.update(completed: $0.tilesWritten, fractionDone: Double($0.tilesWritten) / Double(max($0.totalTiles, 1)),
                             detail: name)
        }) {
            slide.region(x: $0.x, y: $0.y, width: $0.width, height: $0.height, tumorKind: tumorKind ?? SyntheticTumorKind(index: 0, of: 1))
        }
        progress?.finish()
        let truthPath = SyntheticSlideTruth.path(forSlide: path)
        try SyntheticSlideTruth(slide: slide, slideName: name).jsonData().write(to: URL(fileURLWithPath: truthPath), options: .atomic)
        let label = tumorKind.map { $0.count > 1 && tumorCount > 0 ? "tumor_\($0.index + 1)" : slide.label } ?? slide.label
        return SynthesizedSlide(slideID: (name as NSString).deletingPathExtension, slidePath: path, truthPath: truthPath, label: label)
    }
}
