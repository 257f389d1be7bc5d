import Foundation
import Store
import XCTest

/// Throughput of batch-by-batch feature writing. Skipped unless `SLIDEMIL_BENCHMARK=1`, so the
/// normal suite stays fast; run with
/// `SLIDEMIL_BENCHMARK=1 swift test -c release --filter FeatureFileBenchmarkTests`.
final class FeatureFileBenchmarkTests: XCTestCase {
    func testAppendThroughput() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SLIDEMIL_BENCHMARK"] == "1", "benchmark only")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let dimension = 1024, batch = 64, tiles = 20_000
        let features = (0..<(batch * dimension)).map { Float($0 % 977) }
        let coordinates = (0..<batch).map { PatchCoordinate(x: $0 * 256, y: 0) }
        for chunkRows in [nil, 1, 1024] as [Int?] {
            let url = folder.file("bench-\(chunkRows ?? 0).h5")
            let start = Date()
            let metadata = FeatureFileMetadata(backbone: "bench")
            let writer = try chunkRows.map { try FeatureFileWriter(url: url, dimension: dimension, metadata: metadata, chunkRows: $0) }
                ?? FeatureFileWriter(url: url, dimension: dimension, metadata: metadata)
            for _ in 0..<(tiles / batch) { try writer.append(features: features, coordinates: coordinates) }
            try writer.finish()
            let seconds = Date().timeIntervalSince(start)
            let readStart = Date()
            let bag = try FeatureFile.read(from: url)
            let readSeconds = Date().timeIntervalSince(readStart)
            let megabytes = Double(bag.features.count * 4) / 1_048_576
            print(String(format: "chunkRows %@: wrote %d x %d in %.2f s (%.0f MiB/s), read in %.2f s (%.0f MiB/s)",
                         chunkRows.map(String.init) ?? "default", bag.count, dimension, seconds, megabytes / seconds,
                         readSeconds, megabytes / readSeconds))
        }
    }
}
