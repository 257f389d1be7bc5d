import Foundation
import RunSupport
import Store
import Synth

/// Makes the demo's synthetic slides, or finds them already made.
///
/// After writing every slide it records their settings in `demo-slides.json`; a later run reuses
/// the folder only when that record equals the wanted settings and every slide and the labels
/// file are present, so a run killed half-way, or one with other settings, writes them afresh.
public enum DemoSlides {
    /// Name of the record file inside the slides folder.
    public static let recordName = "demo-slides.json"

    /// Whether `folder` already holds the slides of `config`.
    public static func isPresent(_ config: DemoSlidesConfig, folder: String) -> Bool {
        let record = (folder as NSString).appendingPathComponent(recordName)
        guard let data = FileManager.default.contents(atPath: record),
              let recorded = try? JSONDecoder().decode(DemoSlidesConfig.self, from: data), recorded == config
        else { return false }
        return (slideFiles(config, folder: folder) + [(folder as NSString).appendingPathComponent("labels.csv")])
            .allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    /// Ensures `folder` holds the slides of `config`; returns true when they were already there.
    /// Before writing, slides and records of an earlier demo in `folder` are removed.
    /// - Throws: `PipelineError.invalidSetting`, `SlideError` or a file-system error.
    @discardableResult
    public static func prepare(_ config: DemoSlidesConfig, folder: String, progress: ProgressReporter? = nil) throws -> Bool {
        try config.validate()
        if isPresent(config, folder: folder) { return true }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name == recordName || name == "labels.csv"
            || (name.hasPrefix("synthetic_") && (name.hasSuffix(".tif") || name.hasSuffix(".json"))) {
            try FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
        try SynthSlides.run(config.request(folder: folder), progress: progress)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(config), to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(recordName)))
        return false
    }

    /// The slide files `SynthSlides` names for `config` in `folder`.
    static func slideFiles(_ config: DemoSlidesConfig, folder: String) -> [String] {
        let digits = String(config.count - 1).count
        return (0..<config.count).map { index in
            let number = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
            return (folder as NSString).appendingPathComponent("synthetic_\(number).tif")
        }
    }
}
