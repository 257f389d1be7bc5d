import Foundation
import Tensor

/// Seeded mutations of a valid file, for parser robustness tests: every run of a test sees the
/// same inputs, so a failure reproduces from its iteration number alone.
///
/// Each mutant applies one to four edits: flip a bit, overwrite a byte with a boundary value
/// (0, 0x7F, 0x80, 0xFF, a random byte), write a boundary 32- or 64-bit integer, insert or delete
/// a few bytes, duplicate a slice, or truncate. Edits land in the first `focus` bytes (where
/// headers live) three times in four, anywhere otherwise.
struct ByteMutator {
    private var generator: SeededGenerator
    /// Length of the region most edits target.
    let focus: Int
    /// Byte ranges left untouched.
    let protected: [Range<Int>]
    /// Only edits that keep every byte's offset (no insertion, deletion or duplication).
    let inPlace: Bool

    init(seed: UInt64, focus: Int = 512, protected: [Range<Int>] = [], inPlace: Bool = false) {
        generator = SeededGenerator(seed: seed)
        self.focus = focus
        self.protected = protected
        self.inPlace = inPlace
    }

    private mutating func position(in count: Int) -> Int {
        guard count > 0 else { return 0 }
        for _ in 0..<16 {
            let limit = Int.random(in: 0..<4, using: &generator) == 0 ? count : min(count, focus)
            let at = Int.random(in: 0..<limit, using: &generator)
            if !protected.contains(where: { $0.contains(at) || $0.contains(at + 7) }) { return at }
        }
        return count - 1
    }

    /// A mutant of `original`.
    mutating func mutate(_ original: [UInt8]) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let at = position(in: bytes.count)
            switch inPlace ? [0, 1, 2, 3, 7].randomElement(using: &generator)! : Int.random(in: 0..<8, using: &generator) {
            case 0 where !bytes.isEmpty:
                bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            case 1 where !bytes.isEmpty:
                bytes[at] = [0, 0x7F, 0x80, 0xFF, UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator)!
            case 2 where bytes.count >= 4:
                let value: UInt32 = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt32.random(in: 0...UInt32.max, using: &generator)]
                    .randomElement(using: &generator)!
                let start = min(at, bytes.count - 4)
                for k in 0..<4 { bytes[start + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
            case 3 where bytes.count >= 8:
                let value: UInt64 = [0, 1, UInt64(Int64.max), 1 << 63, UInt64.max, 1 << 40].randomElement(using: &generator)!
                let start = min(at, bytes.count - 8)
                for k in 0..<8 { bytes[start + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
            case 4:
                let inserted = (0..<Int.random(in: 1...8, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                bytes.insert(contentsOf: inserted, at: min(at, bytes.count))
            case 5 where !bytes.isEmpty:
                bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &generator)))
            case 6 where !bytes.isEmpty:
                let slice = bytes[at..<min(bytes.count, at + Int.random(in: 1...32, using: &generator))]
                bytes.insert(contentsOf: slice, at: position(in: bytes.count))
            case 7 where protected.isEmpty:
                bytes.removeSubrange(min(bytes.count, at + Int.random(in: 0...64, using: &generator))...)
            default:
                break
            }
        }
        return bytes
    }
}
