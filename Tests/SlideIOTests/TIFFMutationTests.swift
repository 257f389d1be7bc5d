import SlideIO
import XCTest

/// Seeded mutation test of the TIFF checks: 150 damaged variants of a valid pyramid (bytes of its
/// directories overwritten, entry values set to extremes, next-directory pointers redirected,
/// files cut short) go through `TIFFStructure`, the resolution reader and, when they pass,
/// OpenSlide and region reads. Zero crashes and zero hangs is the pass mark; every failure must
/// be a typed `SlideError`.
final class TIFFMutationTests: XCTestCase {
    func testMutatedTIFFsFailCleanly() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let base = folder.path("base.tif")
        try TestSlides.write(.init(width: 600, height: 400, seed: 9), to: base, compression: .jpeg(quality: 75))
        let original = try ClassicTIFFBytes(contentsOf: base)
        let entryValues = original.directoryOffsets.flatMap { original.entries(ofDirectoryAt: $0) }.map(\.valueOffset)
        let extremes: [UInt32] = [0, 1, 7, 0xFFFF, 0x10000, 1 << 20, 0x7FFF_FFFF, 0xFFFF_FFFF, UInt32(original.bytes.count)]
        var generator = SplitMix64Generator(seed: 20_260_301)
        var outcomes = (opened: 0, refused: 0)
        let start = Date()
        for iteration in 0..<150 {
            var bytes = original
            var cut: Int?
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0:
                    let directory = original.directoryOffsets.randomElement(using: &generator)!
                    let span = 2 + 12 * Int(original.u16(at: directory)) + 4
                    bytes.bytes[directory + Int.random(in: 0..<span, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                case 1:
                    bytes.setU32(extremes.randomElement(using: &generator)!, at: entryValues.randomElement(using: &generator)!)
                case 2:
                    let directory = original.directoryOffsets.randomElement(using: &generator)!
                    let target = original.directoryOffsets.randomElement(using: &generator)! + Int.random(in: -2...2, using: &generator)
                    bytes.setU32(UInt32(max(0, target)), at: original.nextPointerOffset(ofDirectoryAt: directory))
                default:
                    cut = Int.random(in: 1..<original.bytes.count - 8, using: &generator)
                }
            }
            if let cut { bytes.bytes.removeLast(cut) }
            let path = folder.path("mutant-\(iteration).tif")
            try bytes.write(to: path)
            do {
                let structure = try TIFFStructure(path: path)
                _ = TIFFResolution.level0(of: structure)
                let slide = try OpenSlideSlide(path: path)
                outcomes.opened += 1
                for level in slide.levels.indices {
                    _ = try? slide.readRegion(level: level, x: 0, y: 0, width: 96, height: 96)
                }
            } catch is SlideError {
                outcomes.refused += 1
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        XCTAssertEqual(outcomes.opened + outcomes.refused, 150)
        XCTAssertGreaterThan(outcomes.refused, 20, "the mutations should damage many files")
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "no mutant may hang the checks")
    }
}

/// SplitMix64, so the mutants are the same on every run and platform.
struct SplitMix64Generator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
