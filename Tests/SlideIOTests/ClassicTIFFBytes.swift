import Foundation

/// A little-endian classic TIFF held as bytes, with just enough structure to craft damaged files:
/// where each directory and each directory entry lies.
struct ClassicTIFFBytes {
    /// One 12-byte directory entry: tag, type, count and the value/offset field at `valueOffset`.
    struct Entry {
        let tag: UInt16
        let type: UInt16
        let count: UInt32
        /// Byte position of the entry's 4-byte value/offset field.
        let valueOffset: Int
    }

    var bytes: [UInt8]

    init(contentsOf path: String) throws {
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        precondition(bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]), "little-endian classic TIFF expected")
    }

    func write(to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    func u16(at offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
    func u32(at offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) } }
    mutating func setU16(_ value: UInt16, at offset: Int) { for i in 0..<2 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) } }
    mutating func setU32(_ value: UInt32, at offset: Int) { for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) } }

    /// Byte offsets of the directories, in chain order (stops at a repeat).
    var directoryOffsets: [Int] {
        var offsets: [Int] = []
        var next = Int(u32(at: 4))
        while next != 0, next + 2 <= bytes.count, !offsets.contains(next) {
            offsets.append(next)
            let count = Int(u16(at: next))
            guard next + 2 + 12 * count + 4 <= bytes.count else { break }
            next = Int(u32(at: next + 2 + 12 * count))
        }
        return offsets
    }

    /// Byte position of the next-directory pointer of the directory at `directory`.
    func nextPointerOffset(ofDirectoryAt directory: Int) -> Int { directory + 2 + 12 * Int(u16(at: directory)) }

    /// The entries of the directory at byte `directory`.
    func entries(ofDirectoryAt directory: Int) -> [Entry] {
        (0..<Int(u16(at: directory))).map { index in
            let base = directory + 2 + 12 * index
            return Entry(tag: u16(at: base), type: u16(at: base + 2), count: u32(at: base + 4), valueOffset: base + 8)
        }
    }

    /// Sets a one-value SHORT or LONG entry of every directory that has `tag` to `value` (as LONG).
    mutating func setTag(_ tag: UInt16, to value: UInt32) {
        for directory in directoryOffsets {
            for entry in entries(ofDirectoryAt: directory) where entry.tag == tag && entry.count == 1 {
                setU16(4, at: entry.valueOffset - 6)
                setU32(value, at: entry.valueOffset)
            }
        }
    }
}
