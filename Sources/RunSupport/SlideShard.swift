import Foundation

/// One worker's share of a batch: shard `index` (1-based) of `count`. Every worker given the same
/// slide list computes the same partition, whatever its task number or host, so the shards of a
/// cluster run cover each slide exactly once.
///
/// Shards are balanced by slide file size, the best cheap predictor of a slide's tiles and so of
/// its time: the largest slide goes to the shard with the smallest total so far (ties to the
/// lower shard), sizes tied broken by slide id. A slide whose file is missing counts as size 0
/// and still lands in one shard, where it fails with its usual message.
public struct SlideShard: Equatable, Sendable, CustomStringConvertible {
    /// This worker's shard, 1...count.
    public let index: Int
    /// How many shards the batch is cut into.
    public let count: Int

    /// Shard `index` of `count`.
    /// - Throws: `SlideShardError.badShard` unless 1 <= index <= count.
    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else { throw SlideShardError.badShard("\(index)/\(count)") }
        self.index = index
        self.count = count
    }

    /// `K/N`, as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }

    /// Parses `K/N` (1 <= K <= N).
    /// - Throws: `SlideShardError.badShard` for anything else.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw SlideShardError.badShard(text) }
        try self.init(index: index, count: count)
    }

    /// The shard of a Slurm array task: task `SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN` of
    /// `SLURM_ARRAY_TASK_COUNT` (so `--array=0-3` and `--array=1-4` shard alike); nil outside
    /// an array. Arrays with steps (`--array=0-15:2`) are refused, since their ids leave gaps.
    /// - Throws: `SlideShardError.badArray` for ids that do not make a shard.
    public static func fromSlurmArray(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SlideShard? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"], let countText = environment["SLURM_ARRAY_TASK_COUNT"] else { return nil }
        let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
        let step = environment["SLURM_ARRAY_TASK_STEP"].flatMap { Int($0) } ?? 1
        guard let id = Int(idText), let count = Int(countText), step == 1,
              let shard = try? SlideShard(index: id - minimum + 1, count: count) else {
            throw SlideShardError.badArray(id: idText, count: countText, minimum: minimum, step: step)
        }
        return shard
    }

    /// The shard a command runs: `--shard` when given, else the Slurm array's, else none.
    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SlideShard? {
        if let option { return try SlideShard(parsing: option) }
        return try fromSlurmArray(environment)
    }

    /// The slides of this shard, in their batch order.
    public func select(_ slides: [SlideEntry]) -> [SlideEntry] {
        let owner = Self.assign(sizes: slides.map { Self.fileSize($0.path) }, ids: slides.map(\.slideID), shards: count)
        return zip(slides, owner).filter { $0.1 == index - 1 }.map(\.0)
    }

    /// The 0-based shard of each of the slides with these byte `sizes` and `ids`: largest first
    /// onto the lightest shard (the longest-processing-time rule, within one slide's size of
    /// the best balance), ties broken by id, so the cut does not depend on the list's order.
    public static func assign(sizes: [Int64], ids: [String], shards: Int) -> [Int] {
        let order = sizes.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : ids[$0] < ids[$1] }
        var load = [Int64](repeating: 0, count: shards)
        var slideCount = [Int](repeating: 0, count: shards)
        var owner = [Int](repeating: 0, count: sizes.count)
        for slide in order {
            // The lightest shard; among equals the one with fewer slides, then the lower index,
            // so zero-size slides still spread out.
            let target = load.indices.min { (load[$0], slideCount[$0], $0) < (load[$1], slideCount[$1], $1) }!
            owner[slide] = target
            load[target] += sizes[slide]
            slideCount[target] += 1
        }
        return owner
    }

    /// A slide's bytes on disk; for a multi-file format (`.mrxs`, `.vms`) the companion folder
    /// of the same name counts too. 0 when missing.
    public static func fileSize(_ path: String) -> Int64 {
        let manager = FileManager.default
        var total = ((try? manager.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        let companion = (path as NSString).deletingPathExtension
        var isFolder: ObjCBool = false
        if companion != path, manager.fileExists(atPath: companion, isDirectory: &isFolder), isFolder.boolValue,
           let walker = manager.enumerator(atPath: companion) {
            for case let name as String in walker {
                total += ((try? manager.attributesOfItem(atPath: (companion as NSString).appendingPathComponent(name)))?[.size] as? NSNumber)?.int64Value ?? 0
            }
        }
        return total
    }
}

/// A shard that cannot be used.
public enum SlideShardError: Error, CustomStringConvertible, Equatable {
    /// `--shard` not of the form K/N with 1 <= K <= N.
    case badShard(String)
    /// Slurm array variables that do not make a shard.
    case badArray(id: String, count: String, minimum: Int, step: Int)

    public var description: String {
        switch self {
        case let .badShard(text):
            return "--shard '\(text)' is not K/N with 1 <= K <= N (e.g. 2/8)"
        case let .badArray(id, count, minimum, step):
            return "SLURM_ARRAY_TASK_ID \(id) (min \(minimum), step \(step)) of SLURM_ARRAY_TASK_COUNT \(count) is not a shard: submit the array as --array=0-<N-1> without a step, or pass --shard K/N"
        }
    }
}
