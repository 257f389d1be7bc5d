import Foundation

extension TissueSegmentationParameters {
    /// The settings as compact JSON with sorted keys: how a patch file records the segmentation
    /// its tiles were chosen with (attribute `segmentation`).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Every member is a plain number or enum, so encoding cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Settings read back from `json`.
    /// - Throws: `DecodingError` when the text is not such a record.
    public init(json: String) throws {
        self = try JSONDecoder().decode(TissueSegmentationParameters.self, from: Data(json.utf8))
    }
}
