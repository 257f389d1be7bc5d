import Foundation
import MIL
import RunSupport
import Tensor
import TrainStage
import XCTest

/// configs/classic-mil.yaml and the conversion of headerless classic MIL files
/// (label,bag_id,features; the `mil` package's Musk and Elephant CSVs) into an instances CSV.
final class ClassicMILConfigTests: XCTestCase {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func shippedSettings() throws -> SlideTrainSettings {
        try ConfigLoader.load(defaults: SlideTrainSettings(), file: Self.repository.appendingPathComponent("configs/classic-mil.yaml"))
    }

    /// The paper's choices, which a careless edit of the file would lose.
    func testConfigHoldsIlseEtAlsSetup() throws {
        let settings = try shippedSettings()
        XCTAssertNoThrow(try settings.validate())
        XCTAssertEqual(settings.folds, 10)
        XCTAssertEqual(settings.classBalance, ClassBalance.none)
        XCTAssertEqual(settings.model.pooling, .gatedAttention)
        XCTAssertEqual(settings.model.classifier, .logistic)
        XCTAssertEqual(settings.model.embeddingWidth, 128)
        XCTAssertEqual(settings.model.dropout, 0)
        XCTAssertEqual(settings.training.optimizer, .adam)
        XCTAssertEqual(settings.training.learningRate, 5e-4)
        XCTAssertEqual(settings.training.weightDecay, 5e-3)
        XCTAssertEqual(settings.training.epochs, 100)
        XCTAssertEqual(settings.training.batchSize, 1)
    }

    private func convert(_ text: String) throws -> (folder: URL, output: URL, status: Int32, error: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("classic-mil-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent("set.csv"), output = folder.appendingPathComponent("instances.csv")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.repository.appendingPathComponent("scripts/classic-mil-csv").path, input.path, output.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (folder, output, process.terminationStatus, message)
    }

    /// A Musk-shaped file in the headerless layout: 30 bags (15 positive) of 3-8 instances in 8
    /// dimensions, a positive bag holding one instance near an "active" point. Converted, loaded
    /// by `--instances`, and cross-validated with the shipped config (fewer epochs): the folds
    /// must cover every bag and find the active instance.
    func testConvertedFileTrainsWithTheShippedConfig() throws {
        var generator = SeededGenerator(seed: 5)
        var rows: [String] = []
        for bag in 0..<30 {
            let positive = bag % 2 == 0
            let count = 3 + Int(generator.next() % 6)
            for row in 0..<count {
                let active = positive && row == 0
                let values = (0..<8).map { j in 50 * generator.nextNormal() + (active && j < 4 ? 200 : 0) }
                rows.append("\(positive ? 1 : 0),\(100 + bag)," + values.map { String(Int($0)) }.joined(separator: ","))
            }
        }
        let converted = try convert(rows.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(at: converted.folder) }
        XCTAssertEqual(converted.status, 0, converted.error)
        let header = try String(contentsOf: converted.output, encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertEqual(header, "label,bag_id,f1,f2,f3,f4,f5,f6,f7,f8")
        let data = try SlideBagSet.loadInstances(csv: converted.output, positiveClass: nil)
        XCTAssertEqual(data.ids.count, 30)
        XCTAssertEqual(data.featureWidth, 8)
        XCTAssertEqual(data.mapping.positive, "1")
        XCTAssertEqual(data.bags.labels.filter { $0 }.count, 15)

        var settings = try shippedSettings()
        settings.training.epochs = 10
        let summary = try SlideTrainPipeline(settings: settings, data: data, outputDirectory: converted.folder.appendingPathComponent("run")).run()
        XCTAssertEqual(summary.folds.count, 10)
        XCTAssertEqual(summary.folds.map(\.evaluatedBags).reduce(0, +), 30)
        XCTAssertGreaterThan(summary.accuracy?.mean ?? 0, 0.85, summary.table)
    }

    func testConversionRefusesRaggedRowsAndLeavesNoOutput() throws {
        let converted = try convert("1,7,0.5,2\n1,7,1.5\n")
        defer { try? FileManager.default.removeItem(at: converted.folder) }
        XCTAssertNotEqual(converted.status, 0)
        XCTAssertTrue(converted.error.contains("set.csv:2: 3 fields, the first row has 4"), converted.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: converted.output.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: converted.folder.path), ["set.csv"])
    }
}
