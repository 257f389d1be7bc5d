import Foundation
import Tensor
import XCTest

/// `SeededGenerator`: the one seeded generator of the project (initialisers, dropout, sampling,
/// folds, synthetic slide layouts).
final class SeededGeneratorTests: XCTestCase {
    private struct Reference: Decodable {
        let first8: [String: [String]]
        let thousandth: [String: String]
    }

    /// Outputs of an independent Python implementation (Tests/Fixtures/rng/make_seeded_generator_values.py).
    private static func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/rng/seeded_generator_values.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func testStreamsEqualTheReferenceImplementation() throws {
        let reference = try Self.reference()
        XCTAssertEqual(reference.first8.count, 4)
        for (seedText, expected) in reference.first8 {
            let seed = try XCTUnwrap(UInt64(seedText))
            var generator = SeededGenerator(seed: seed)
            XCTAssertEqual((0..<8).map { _ in String(generator.next()) }, expected, "seed \(seed)")
            var long = SeededGenerator(seed: seed)
            for _ in 0..<999 { _ = long.next() }
            XCTAssertEqual(String(long.next()), reference.thousandth[seedText], "seed \(seed), output 1000")
        }
    }

    func testSameSeedSameStreamAndACopyForksIt() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        XCTAssertEqual((0..<100).map { _ in a.next() }, (0..<100).map { _ in b.next() })
        var fork = a
        XCTAssertEqual((0..<10).map { _ in a.next() }, (0..<10).map { _ in fork.next() })
    }

    /// Neighbouring seeds (`seed &+ thread`, as the doc comment advises) must give unrelated
    /// streams: no shared values, uncorrelated uniforms, and half the bits different.
    func testNeighbouringSeedsGiveIndependentStreams() {
        let count = 4096
        let streams: [[UInt64]] = (0..<16).map { seed in
            var generator = SeededGenerator(seed: UInt64(seed))
            return (0..<count).map { _ in generator.next() }
        }
        XCTAssertEqual(Set(streams.joined()).count, 16 * count, "a value repeats across or within streams")
        let uniform: ([UInt64]) -> [Double] = { $0.map { Double($0 >> 11) * 0x1.0p-53 - 0.5 } }
        var differingBits = 0
        for seed in 0..<15 {
            let x = uniform(streams[seed]), y = uniform(streams[seed + 1])
            let covariance = zip(x, y).map { $0 * $1 }.reduce(0, +) / Double(count)
            let correlation = covariance / (1.0 / 12.0)
            // Independent streams: |r| is about 1/sqrt(4096) = 0.016; 0.06 is almost 4 sigma.
            XCTAssertLessThan(abs(correlation), 0.06, "seeds \(seed) and \(seed + 1)")
            differingBits += zip(streams[seed], streams[seed + 1]).map { ($0 ^ $1).nonzeroBitCount }.reduce(0, +)
        }
        // 15 × 4096 pairs of 64 bits: 32 bits differ on average, standard error about 0.02.
        XCTAssertEqual(Double(differingBits) / Double(15 * count), 32, accuracy: 0.2)
    }

    func testUniformAndNormalDraws() {
        var generator = SeededGenerator(seed: 0)
        let uniforms = (0..<100_000).map { _ in generator.nextUniform() }
        XCTAssertTrue(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(uniforms.reduce(0, +) / 100_000, 0.5, accuracy: 0.005)
        let doubles = (0..<100_000).map { _ in generator.nextUniform(in: -2.0...6.0) }
        XCTAssertTrue(doubles.allSatisfy { $0 >= -2 && $0 < 6 })
        XCTAssertEqual(doubles.reduce(0, +) / 100_000, 2, accuracy: 0.04)
        XCTAssertEqual(generator.nextUniform(in: 3.5...3.5), 3.5)
        let normals = (0..<100_000).map { _ in Double(generator.nextNormal()) }
        let mean = normals.reduce(0, +) / 100_000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 100_000
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
    }

    func testMixIsSplitMix64sFinaliser() throws {
        // SplitMix64's first output for seed 0 is mix(0x9E3779B97F4A7C15); the reference's seed-0
        // generator state starts from it, so check the published value directly.
        XCTAssertEqual(SeededGenerator.mix(0x9E37_79B9_7F4A_7C15), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(SeededGenerator.mix(0), 0)
        XCTAssertEqual(Set((0..<10_000).map { SeededGenerator.mix(UInt64($0)) }).count, 10_000)
    }
}
