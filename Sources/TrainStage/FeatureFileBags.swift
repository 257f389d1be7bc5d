import Foundation
import MIL
import Store
import Tensor

/// Slide bags read from their feature files each time they are needed, so training holds one
/// slide's features at a time (CLAM's data loader does the same). Every read is checked again
/// (non-empty, finite, `width` wide) and a failure names the slide.
public struct FeatureFileBags: BagCollection, Sendable {
    /// Slide ids, parallel to `targets` (the binary labels).
    public let ids: [String]
    public let targets: [Bool]
    /// Feature file of each slide.
    public let urls: [URL]
    /// Feature width every file must have.
    public let width: Int

    /// Bags over these files.
    public init(ids: [String], labels: [Bool], urls: [URL], width: Int) {
        precondition(ids.count == labels.count && ids.count == urls.count, "one id, label and file per bag")
        self.ids = ids
        self.targets = labels
        self.urls = urls
        self.width = width
    }

    /// Number of slides.
    public var count: Int { ids.count }

    /// Reads and checks the feature file of bag `index`.
    public func bag(_ index: Int) throws -> Tensor {
        try SlideBagSet.checkedBag(FeatureFile.read(from: urls[index]), slide: ids[index], expectedWidth: width,
                                   reference: "slide '\(ids[0])'")
    }
}
