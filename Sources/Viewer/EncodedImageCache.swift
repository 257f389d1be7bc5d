import Foundation

/// A least-recently-used cache of encoded images (tiles, thumbnails) bounded in bytes.
///
/// Thread-safe. An entry larger than the whole budget is not kept.
final class EncodedImageCache: @unchecked Sendable {
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (data: Data, stamp: UInt64)] = [:]
    private var bytes = 0
    private var clock: UInt64 = 0

    /// A cache that holds at most `capacityBytes` bytes of images.
    init(capacityBytes: Int) { capacity = capacityBytes }

    /// Bytes held now.
    var byteCount: Int { lock.withLock { bytes } }

    /// The image under `key`, marked as just used.
    func image(_ key: String) -> Data? {
        lock.withLock {
            guard let entry = entries[key] else { return nil }
            clock += 1
            entries[key] = (entry.data, clock)
            return entry.data
        }
    }

    /// Keeps `data` under `key`, evicting the least recently used images to stay in budget.
    func insert(_ data: Data, for key: String) {
        guard data.count <= capacity else { return }
        lock.withLock {
            clock += 1
            if let old = entries.updateValue((data, clock), forKey: key) { bytes -= old.data.count }
            bytes += data.count
            guard bytes > capacity else { return }
            // Evict oldest first; sorting on overflow only keeps lookups O(1).
            for (key, entry) in entries.sorted(by: { $0.value.stamp < $1.value.stamp }) where bytes > capacity * 3 / 4 {
                entries[key] = nil
                bytes -= entry.data.count
            }
        }
    }
}
