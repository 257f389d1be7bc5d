import Foundation
import RunSupport
import XCTest

final class ConfigLoaderTests: XCTestCase {
    struct Training: Codable, Equatable {
        var epochs = 10
        var learningRate = 0.001
        var optimizer = "adam"
    }

    struct Example: Codable, Equatable {
        var seed = 1
        var bagSize = [3, 7]
        var training = Training()
    }

    private func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testDefaultsAloneRoundTrip() throws {
        XCTAssertEqual(try ConfigLoader.load(defaults: Example()), Example())
    }

    func testFileMergesKeyByKeyAndOverridesWinLast() throws {
        let file = try write("""
        # a partial config: untouched keys keep their defaults
        seed: 7
        training:
          epochs: 40
        """)
        let config = try ConfigLoader.load(
            defaults: Example(), file: file,
            overrides: ["training.learningRate=0.0005", "bagSize=[2, 9]", "training.epochs=3"]
        )
        var expected = Example()
        expected.seed = 7
        expected.bagSize = [2, 9]
        expected.training = Training(epochs: 3, learningRate: 0.0005, optimizer: "adam")
        XCTAssertEqual(config, expected)
    }

    func testMisspeltKeysAreErrorsNamingTheKey() throws {
        let file = try write("training:\n  epochz: 4\n")
        XCTAssertThrowsError(try ConfigLoader.load(defaults: Example(), file: file)) { error in
            guard case let .unknownKey(key, _, known)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "training.epochz")
            XCTAssertTrue(known.contains("training.epochs"))
        }
        XCTAssertThrowsError(try ConfigLoader.load(defaults: Example(), overrides: ["sed=3"])) { error in
            XCTAssertTrue("\(error)".contains("unknown config key 'sed'"), "\(error)")
        }
    }

    func testBadValuesAndMalformedOverridesAreReported() throws {
        XCTAssertThrowsError(try ConfigLoader.load(defaults: Example(), overrides: ["training.epochs=many"])) { error in
            XCTAssertTrue("\(error)".contains("training.epochs"), "\(error)")
        }
        XCTAssertThrowsError(try ConfigLoader.load(defaults: Example(), overrides: ["seed"])) { error in
            XCTAssertEqual(error as? ConfigError, .malformedOverride("seed"))
        }
        let broken = try write("seed: [1, 2\n")
        XCTAssertThrowsError(try ConfigLoader.load(defaults: Example(), file: broken)) { error in
            guard case .invalidYAML? = error as? ConfigError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ConfigLoader.load(defaults: Example(), file: URL(fileURLWithPath: "/nonexistent/x.yaml"))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/x.yaml"))
        }
    }
}
