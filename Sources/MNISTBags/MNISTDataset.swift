import Foundation

/// The MNIST digits: images as uint8 28 x 28 and their labels 0-9.
public struct MNISTDataset: Sendable {
    /// Which half of MNIST.
    public enum Split: String, Sendable, CaseIterable {
        case train
        case test

        /// The vendored file names of this split, images then labels.
        public var fileNames: (images: String, labels: String) {
            switch self {
            case .train: return ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
            case .test: return ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
            }
        }
    }

    public let images: IDXImages
    public let labels: [UInt8]

    /// Loads one split from a directory holding the four gzipped IDX files.
    ///
    /// - Parameter directory: defaults to the copy vendored with SlideMIL (`vendoredDirectory()`).
    /// - Throws: `MNISTDataError`, `IDXError` or `GzipError` naming the file at fault.
    public static func load(_ split: Split, from directory: URL? = nil) throws -> MNISTDataset {
        let folder = try directory ?? vendoredDirectory()
        let names = split.fileNames
        let imageBytes = try readGzipped(folder.appendingPathComponent(names.images))
        let labelBytes = try readGzipped(folder.appendingPathComponent(names.labels))
        let images = try IDXFile.parseImages(imageBytes, source: names.images)
        let labels = try IDXFile.parseLabels(labelBytes, source: names.labels)
        guard images.count == labels.count else {
            throw MNISTDataError.countMismatch(images: images.count, labels: labels.count)
        }
        return MNISTDataset(images: images, labels: labels)
    }

    /// Reads and inflates one `.gz` file, naming the file in any error.
    public static func readGzipped(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw IDXError.unreadable(path: url.path, reason: "missing or not readable")
        }
        do {
            return try Gzip.decompress([UInt8](data))
        } catch let error as GzipError {
            throw IDXError.unreadable(path: url.path, reason: error.description)
        }
    }

    /// The folder of the MNIST files shipped with SlideMIL.
    ///
    /// Looked up, in order: the `SLIDEMIL_MNIST_DIR` environment variable, then the resource bundle
    /// that the build places beside the executable (and beside the test bundle).
    public static func vendoredDirectory() throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["SLIDEMIL_MNIST_DIR"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // The test runner lives inside `<build>/<name>.xctest/`; look a few levels up as well.
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("SlideMIL_MNISTBags.resources/mnist"))
            candidates.append(folder.appendingPathComponent("SlideMIL_MNISTBags.bundle/mnist"))
            folder = folder.deletingLastPathComponent()
        }
        let marker = Split.train.fileNames.labels
        if let found = candidates.first(where: {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent(marker).path)
        }) {
            return found
        }
        throw MNISTDataError.notFound(searched: candidates.map(\.path))
    }
}

/// Errors locating or pairing the MNIST files.
public enum MNISTDataError: Error, CustomStringConvertible {
    case notFound(searched: [String])
    case countMismatch(images: Int, labels: Int)

    public var description: String {
        switch self {
        case .notFound(let searched):
            return "MNIST files not found; set SLIDEMIL_MNIST_DIR to a folder with the four .gz files (searched: \(searched.joined(separator: ", ")))"
        case let .countMismatch(images, labels):
            return "MNIST image and label files disagree: \(images) images, \(labels) labels"
        }
    }
}
