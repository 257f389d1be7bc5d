import Foundation
import RunSupport
import XCTest

/// How a batch is cut into worker shards: every slide in exactly one shard, the same cut on
/// every worker, balanced by bytes, and Slurm array variables read as the shard they mean.
final class SlideShardTests: XCTestCase {
    func testShardsCoverEverySlideOnceAndBalanceBytesNotCounts() {
        // One large slide and eight small ones: by count each of 3 shards would get 3 slides and
        // one shard would carry the large slide plus two others.
        let sizes: [Int64] = [10, 900, 10, 10, 10, 10, 10, 10, 10]
        let ids = (0..<sizes.count).map { "s\($0)" }
        let owner = SlideShard.assign(sizes: sizes, ids: ids, shards: 3)
        XCTAssertEqual(owner[1], 0, "the largest slide goes first, to shard 1")
        XCTAssertEqual(owner.filter { $0 == 0 }.count, 1, "and stays alone there")
        XCTAssertEqual(owner.filter { $0 == 1 }.count, 4)
        XCTAssertEqual(owner.filter { $0 == 2 }.count, 4)
        // The same inputs give the same cut; a different list order gives the same owners by id.
        XCTAssertEqual(SlideShard.assign(sizes: sizes, ids: ids, shards: 3), owner)
        let reversed = SlideShard.assign(sizes: sizes.reversed(), ids: ids.reversed(), shards: 3)
        XCTAssertEqual(Array(reversed.reversed()), owner)
        // Equal sizes (or missing files, size 0) spread by count.
        XCTAssertEqual(SlideShard.assign(sizes: [0, 0, 0, 0, 0], ids: ["a", "b", "c", "d", "e"], shards: 2), [0, 1, 0, 1, 0])
    }

    func testSelectedSharesOfRealFilesPartitionTheBatch() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var slides: [SlideEntry] = []
        for index in 0..<11 {
            let url = folder.appendingPathComponent("slide-\(index).tif")
            try Data(count: 1000 + 137 * ((index * 7) % 11)).write(to: url)
            slides.append(SlideEntry(path: url.path))
        }
        slides.append(SlideEntry(path: folder.appendingPathComponent("missing.tif").path))
        for count in [1, 2, 4, 5, 12, 13] {
            let shares = try (1...count).map { try SlideShard(index: $0, count: count).select(slides) }
            XCTAssertEqual(shares.flatMap { $0 }.map(\.slideID).sorted(), slides.map(\.slideID).sorted(), "\(count) shards")
            for share in shares {
                XCTAssertEqual(share, slides.filter { share.contains($0) }, "a share keeps batch order")
            }
            let bytes = shares.map { $0.reduce(Int64(0)) { $0 + SlideShard.fileSize($1.path) } }
            XCTAssertLessThanOrEqual(bytes.max()! - bytes.min()!, 2370, "\(count) shards: \(bytes) within one slide's size")
        }
    }

    func testShardArgumentsAndSlurmArrayVariables() throws {
        XCTAssertEqual(try SlideShard(parsing: "2/8"), try SlideShard(index: 2, count: 8))
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3", "-1/4", ""] {
            XCTAssertThrowsError(try SlideShard(parsing: bad), bad) { error in
                XCTAssertEqual(error as? SlideShardError, .badShard(bad))
                XCTAssertTrue("\(error)".contains("K/N"))
            }
        }
        XCTAssertNil(try SlideShard.fromSlurmArray([:]))
        XCTAssertNil(try SlideShard.fromSlurmArray(["SLURM_JOB_ID": "7"]), "a plain job is not an array")
        XCTAssertEqual(try SlideShard.fromSlurmArray(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"]),
                       try SlideShard(index: 1, count: 4))
        XCTAssertEqual(try SlideShard.fromSlurmArray(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]),
                       try SlideShard(index: 4, count: 4), "--array=1-4")
        XCTAssertThrowsError(try SlideShard.fromSlurmArray(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "2"]))
        XCTAssertThrowsError(try SlideShard.fromSlurmArray(["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "4"]))
        // --shard wins over the array.
        XCTAssertEqual(try SlideShard.resolve(option: "1/2", environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"]),
                       try SlideShard(index: 1, count: 2))
    }
}
