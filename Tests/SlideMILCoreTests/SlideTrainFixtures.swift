import Foundation
import Store
import Tensor

/// Synthetic slides whose label is decidable: every tile feature is N(0, 1) in D dimensions;
/// a positive slide additionally holds a few "tumour" tiles shifted by +`shift` in the first four
/// dimensions. Tile rows of shifted tiles are recorded so attention can be checked against them.
struct SyntheticSlides {
    var folder: URL
    var ids: [String] = []
    var labels: [String] = []
    /// Rows of the shifted tiles of each slide (empty for negatives).
    var tumourRows: [String: Set<Int>] = [:]
    var tileCounts: [String: Int] = [:]

    static let metadata = FeatureFileMetadata(backbone: "synthetic")

    /// Writes `negatives` normal and `positives` tumour slides of 20-40 tiles into `folder/features`.
    static func make(in folder: URL, negatives: Int, positives: Int, width: Int = 12, shift: Float = 3,
                     seed: UInt64 = 7) throws -> SyntheticSlides {
        var slides = SyntheticSlides(folder: folder.appendingPathComponent("features"))
        var generator = SeededGenerator(seed: seed)
        for index in 0..<(negatives + positives) {
            let isPositive = index >= negatives
            let id = String(format: "slide_%03d", index)
            let tiles = 20 + Int(generator.next() % 21)
            var rows = Set<Int>()
            if isPositive { while rows.count < 3 { rows.insert(Int(generator.next() % UInt64(tiles))) } }
            var features: [Float] = []
            for row in 0..<tiles {
                for j in 0..<width { features.append(generator.nextNormal() + (rows.contains(row) && j < 4 ? shift : 0)) }
            }
            try write(features: features, width: width, to: slides.featureURL(id))
            slides.ids.append(id)
            slides.labels.append(isPositive ? "tumor" : "normal")
            slides.tumourRows[id] = rows
            slides.tileCounts[id] = tiles
        }
        return slides
    }

    /// Writes a finished feature file with tile corners (256·row, 512).
    static func write(features: [Float], width: Int, to url: URL) throws {
        let writer = try FeatureFileWriter(url: url, dimension: width, metadata: metadata)
        let count = features.count / width
        try writer.append(features: features, coordinates: (0..<count).map { PatchCoordinate(x: 256 * $0, y: 512) })
        try writer.finish()
    }

    func featureURL(_ id: String) -> URL { folder.appendingPathComponent(id + ".h5") }

    /// The labels table of all slides.
    var table: SlideLabelTable {
        SlideLabelTable(entries: zip(ids, labels).map { SlideLabel(slideID: $0, label: $1) })
    }

    /// A fresh temporary folder removed by the caller.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slidetrain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
