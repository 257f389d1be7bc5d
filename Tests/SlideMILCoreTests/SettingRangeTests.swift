import ExtractStage
import Foundation
import MNISTRun
import RunSupport
import TileStage
import TrainStage
import XCTest

/// Every numeric setting has a range checked before any work; values a careless user or a typo
/// gives (negative counts, dropout 1.5, nan) are refused with the key, the value and the range.
final class SettingRangeTests: XCTestCase {
    private func rangeError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> SettingRangeError? {
        do {
            try body()
            XCTFail("accepted", file: file, line: line)
        } catch let error as SettingRangeError {
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            return error
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return nil
    }

    func testTrainingSettingsOutsideTheirRangesAreRefusedNamingKeyValueAndRange() throws {
        let cases: [(String, (inout SlideTrainSettings) -> Void, String)] = [
            ("train.model.dropout", { $0.model.dropout = 1.5 }, "1.5"), ("train.model.dropout", { $0.model.dropout = -0.5 }, "-0.5"),
            ("train.model.dropout", { $0.model.dropout = 1 }, "1"), ("train.model.attentionHidden", { $0.model.attentionHidden = -4 }, "-4"),
            ("train.training.epochs (--epochs)", { $0.training.epochs = -5 }, "-5"),
            ("train.training.epochs (--epochs)", { $0.training.epochs = 0 }, "0"),
            ("train.training.batchSize", { $0.training.batchSize = -1 }, "-1"), ("train.training.patience", { $0.training.patience = -1 }, "-1"),
            ("train.training.validationFraction", { $0.training.validationFraction = 1.5 }, "1.5"),
            ("train.training.learningRate", { $0.training.learningRate = .nan }, "nan"),
            ("train.training.learningRate", { $0.training.learningRate = .infinity }, "inf"),
            ("train.folds (--folds)", { $0.folds = 0 }, "0"),
        ]
        for (key, change, value) in cases {
            var settings = SlideTrainSettings()
            change(&settings)
            let error = rangeError { try settings.validate() }
            XCTAssertEqual(error?.key, key)
            XCTAssertEqual(error?.value, value, key)
            XCTAssertTrue(error?.description.contains(error?.range ?? "?") ?? false)
        }
        XCTAssertEqual(rangeError { var s = SlideTrainSettings(); s.model.dropout = 1; try s.validate() }?.range, "[0, 1)")
        XCTAssertNoThrow(try SlideTrainSettings().validate())
    }

    func testSetAndYAMLReachTheSameCheckAndNothingIsWritten() throws {
        let settings = try ConfigLoader.load(defaults: SlideTrainSettings(), file: nil, overrides: ["model.dropout=1.5"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ranges-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 3, positives: 3)
        let data = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        let run = folder.appendingPathComponent("run")
        XCTAssertThrowsError(try SlideTrainPipeline(settings: settings, data: data, outputDirectory: run).run()) { error in
            XCTAssertEqual((error as? SettingRangeError)?.key, "train.model.dropout")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "nothing is written before the settings are valid")
    }

    func testMNISTSettingsAreCheckedBeforeTheRunFolderIsMade() throws {
        let cases: [(String, (inout MNISTBagsConfig) -> Void, String)] = [
            ("model.dropout", { $0.model.dropout = 1.5 }, "1.5"), ("training.epochs", { $0.training.epochs = 0 }, "0"),
            ("training.learningRate", { $0.training.learningRate = .nan }, "nan"),
            ("pretraining.learningRate", { $0.pretraining.learningRate = -1 }, "-1"),
            ("bags.targetDigit", { $0.bags.targetDigit = 12 }, "12"), ("bags.trainingBags", { $0.bags.trainingBags = 1 }, "1"),
            ("bags.meanSize", { $0.bags.meanSize = .infinity }, "inf"),
        ]
        for (key, change, value) in cases {
            var config = MNISTBagsConfig()
            change(&config)
            let error = rangeError { try config.validate() }
            XCTAssertEqual(error?.key, key)
            XCTAssertEqual(error?.value, value, key)
        }
        XCTAssertNoThrow(try MNISTBagsConfig().validate())

        var config = MNISTBagsConfig()
        config.model.dropout = 1.5
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("mnist-ranges-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        XCTAssertThrowsError(try MNISTBagsPipeline(config: config, outputDirectory: run, showProgress: false).run()) { error in
            XCTAssertEqual((error as? SettingRangeError)?.key, "model.dropout")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "nothing is written before the settings are valid")
    }

    func testTileAndExtractSettingsAndSlideListMppHaveRanges() throws {
        var tile = TileSettings()
        tile.mppOverride = 100_000
        XCTAssertEqual(rangeError { try tile.validate() }?.key, "tile.mpp (--mpp)")
        tile = TileSettings()
        tile.grid.target = .micronsPerPixel(.nan)
        XCTAssertEqual(rangeError { try tile.validate() }?.key, "tile.targetMpp (--target-mpp)")
        XCTAssertNoThrow(try TileSettings().validate())

        var extract = ExtractSettings()
        extract.inputSize = 100_000
        XCTAssertEqual(rangeError { try extract.validate() }?.key, "extract.inputSize (--input-size)")
        extract = ExtractSettings()
        extract.std = [0.2, .nan, 0.2]
        XCTAssertEqual(rangeError { try extract.validate() }?.key, "extract.std (--std)")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ranges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("slides.csv")
        try Data("path,mpp\na.svs,1e9\n".utf8).write(to: csv)
        XCTAssertThrowsError(try SlideEntry.resolve(csv.path)) { error in
            XCTAssertTrue("\(error)".contains("row 2"), "\(error)")
        }
    }
}
