import Foundation
import RunSupport
import TrainStage
import XCTest

/// `slidemil train`'s options stand for `SlideTrainSettings` keys: its help is the keys' help,
/// the train line the pipeline prints into `commands.sh` gives back the pipeline's `train`
/// section, and a value outside its range is one line naming the key.
final class TrainSettingsCLITests: XCTestCase {
    override func setUpWithError() throws { try BuiltTool.requireSlidemil() }

    private let trainCommand = ["train", "--labels", "labels.csv", "--features", "features", "--output", "run"]

    /// `slidemil <arguments> --print-settings`, which must succeed.
    private func printedSettings(_ arguments: [String]) throws -> String {
        let (status, output) = try BuiltTool.run(BuiltTool.slidemil, arguments + ["--print-settings"])
        XCTAssertEqual(status, 0, output)
        return output
    }

    func testHelpShowsEachOptionKeysHelpAndDefault() throws {
        let (status, help) = try BuiltTool.run(BuiltTool.slidemil, ["train", "--help"])
        XCTAssertEqual(status, 0, help)
        let flattened = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let options = SlideTrainSettings.keys.filter { $0.place == .everywhere }
        XCTAssertEqual(options.map(\.option), ["--folds", "--class-balance", "--task", "--head", "--survival-loss", "--pooling", "--epochs", "--seed"])
        for key in options {
            XCTAssertTrue(help.contains(key.option + " "), "train --help lacks \(key.option)")
            let expected = "\(key.help) (default: \(key.valueText(of: SlideTrainSettings())))"
            XCTAssertTrue(flattened.contains(expected.split(whereSeparator: \.isWhitespace).joined(separator: " ")),
                          "train --help lacks the help of \(key.name): \(expected)")
        }
        XCTAssertTrue(help.contains("--set "), help)
        XCTAssertTrue(help.contains("--print-settings"), help)
    }

    func testDefaultsAndThePrintedTrainLineGiveBackTheSettings() throws {
        XCTAssertEqual(try printedSettings(trainCommand), try ConfigLoader.yaml(["train": SlideTrainSettings()]))
        var train = SlideTrainSettings()
        train.folds = 3
        train.classBalance = .sampling
        train.task = .survival
        train.head = .clamMB
        train.survival.loss = .cox
        train.survival.alpha = 0.5
        train.model.pooling = .gatedAttention
        train.model.embeddingWidth = 64
        train.model.standardizeFeatures = false
        train.instanceLoss.weight = 0.3
        train.training.epochs = 12
        train.training.seed = 7
        train.training.batchSize = 8
        train.training.learningRate = 0.001
        train.training.optimizer = .sgd
        train.training.elasticNet.strength = 0.01
        XCTAssertNoThrow(try train.validate())
        let arguments = train.commandArguments()
        XCTAssertTrue(arguments.contains("--set"), "\(arguments)")
        XCTAssertEqual(try printedSettings(trainCommand + arguments), try ConfigLoader.yaml(["train": train]))
    }

    func testConfigThenOptionsThenSet() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("train.yaml")
        try Data("folds: 2\ntraining:\n  epochs: 9\n  patience: 4\n".utf8).write(to: config)
        var expected = SlideTrainSettings()
        expected.folds = 2
        expected.training.patience = 4
        expected.training.epochs = 11
        expected.model.dropout = 0.5
        XCTAssertEqual(try printedSettings(trainCommand + ["--config", config.path, "--epochs", "10", "--set", "training.epochs=11",
                                                           "--set", "model.dropout=0.5"]),
                       try ConfigLoader.yaml(["train": expected]))
    }

    func testAValueOutsideItsRangeIsOneLineNamingTheKey() throws {
        for (arguments, message) in [(["--epochs", "0"], "setting train.training.epochs (--epochs) = 0 is outside its range [1, 100000]"),
                                     (["--set", "model.dropout=1.5"], "setting train.model.dropout = 1.5 is outside its range [0, 1)"),
                                     (["--pooling", "median"], "--pooling must be one of")] {
            let (status, output) = try BuiltTool.run(BuiltTool.slidemil, trainCommand + arguments)
            XCTAssertNotEqual(status, 0, output)
            let lines = output.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, output)
            XCTAssertTrue(lines.first?.hasPrefix("slidemil train: ") ?? false, output)
            XCTAssertTrue(output.contains(message), output)
        }
    }
}
