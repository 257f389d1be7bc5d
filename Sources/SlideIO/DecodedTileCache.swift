import Foundation

/// Decoded stored tiles shared by every reader of every slide that is given the cache, bounded
/// in bytes, so neighbouring tiles that cover the same stored tile (overlap, a tile grid not
/// aligned with the file's tiles, several reader threads) decode it once.
///
/// Eviction is first-in first-out: tiles are read in scan order, so the oldest stored tile is
/// the one least likely to be asked for again. Thread-safe; lookups and inserts take one lock.
public final class DecodedTileCache: @unchecked Sendable {
    /// Which stored tile, at which decode scale, of which open slide.
    public struct Key: Hashable, Sendable {
        /// Identifies the open slide (distinct for every `JPEGTIFFSlide` instance).
        public let slide: Int
        public let level: Int
        public let tile: Int
        /// 1, 2, 4 or 8: the tile was decoded at 1/`scale` of its stored size.
        public let scale: Int
    }

    /// A decoded stored tile: RGB rows of `width` px, `height` rows.
    public final class Tile: @unchecked Sendable {
        public let width: Int
        public let height: Int
        public let pixels: [UInt8]

        init(width: Int, height: Int, pixels: [UInt8]) {
            self.width = width
            self.height = height
            self.pixels = pixels
        }
    }

    /// The default budget: 256 MiB, about 1,300 stored tiles of 256 px.
    public static let defaultBudgetBytes = 256 << 20

    /// The most bytes of pixels the cache holds at once.
    public let budgetBytes: Int
    private let lock = NSLock()
    private var tiles: [Key: Tile] = [:]
    private var order: [Key] = []
    private var orderStart = 0
    private var held = 0
    private var counters = (hits: 0, misses: 0)

    /// A cache holding at most `budgetBytes` bytes of pixels (0 disables it).
    public init(budgetBytes: Int = DecodedTileCache.defaultBudgetBytes) {
        self.budgetBytes = max(0, budgetBytes)
    }

    /// Bytes of pixels held now (never above `budgetBytes`).
    public var bytesHeld: Int { lock.withLock { held } }

    /// Lookups that found their tile, and lookups that did not, since the cache was made.
    public var statistics: (hits: Int, misses: Int) { lock.withLock { counters } }

    /// The tile under `key`, if held.
    public func tile(for key: Key) -> Tile? {
        lock.withLock {
            let tile = tiles[key]
            if tile == nil { counters.misses += 1 } else { counters.hits += 1 }
            return tile
        }
    }

    /// Holds `tile` under `key`, evicting the oldest tiles to stay within the budget. A tile
    /// larger than the whole budget is not held.
    public func insert(_ tile: Tile, for key: Key) {
        let size = tile.pixels.count
        guard size <= budgetBytes else { return }
        lock.withLock {
            guard tiles[key] == nil else { return }
            while held + size > budgetBytes, orderStart < order.count {
                let oldest = order[orderStart]
                orderStart += 1
                if let evicted = tiles.removeValue(forKey: oldest) { held -= evicted.pixels.count }
            }
            if orderStart > 1024 && orderStart * 2 > order.count {
                order.removeFirst(orderStart)
                orderStart = 0
            }
            tiles[key] = tile
            order.append(key)
            held += size
        }
    }

    private static let slideCounter = NSLock()
    nonisolated(unsafe) private static var nextSlide = 0

    /// A number no other slide given a cache has had in this process.
    static func newSlideIdentifier() -> Int {
        slideCounter.withLock {
            nextSlide += 1
            return nextSlide
        }
    }
}
