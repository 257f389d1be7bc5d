import Foundation
import Heatmap
import Store
import Tensor
import XCTest

/// `slidemil train`, `predict` and `heatmap` run as a user runs them, on multi-class labels,
/// patient (case) bags and survival outcomes whose answers are planted in the features.
final class TaskTrainCLITests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        try BuiltTool.requireSlidemil()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("task-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("features"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try BuiltTool.run(BuiltTool.slidemil, arguments)
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func json(_ name: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as? [String: Any])
    }

    private func csv(_ name: String) throws -> CSVTable { try CSVTable.read(from: folder.appendingPathComponent(name)) }

    /// A feature file of `tiles` N(0, 1) rows, `signal` added to `dimensions` of rows `marked`;
    /// tiles lie on a 14-wide grid of 256 px inside the 4000 x 3000 sample slide.
    @discardableResult
    private func writeSlide(_ id: String, tiles: Int, marked: Set<Int>, dimensions: Range<Int>, signal: Float,
                            generator: inout SeededGenerator) throws -> Int {
        let width = 12
        var features: [Float] = []
        for row in 0..<tiles {
            for j in 0..<width { features.append(generator.nextNormal() + (marked.contains(row) && dimensions.contains(j) ? signal : 0)) }
        }
        let writer = try FeatureFileWriter(url: folder.appendingPathComponent("features/\(id).h5"), dimension: width,
                                           metadata: FeatureFileMetadata(backbone: "synthetic", patchSizeLevel0: 256))
        try writer.append(features: features, coordinates: (0..<tiles).map { PatchCoordinate(x: 256 * ($0 % 14), y: 256 * ($0 / 14)) })
        try writer.finish()
        return tiles
    }

    private func marked(_ tiles: Int, count: Int, generator: inout SeededGenerator) -> Set<Int> {
        var rows = Set<Int>()
        while rows.count < count { rows.insert(Int(generator.next() % UInt64(tiles))) }
        return rows
    }

    // MARK: - Multi-class

    /// Three classes: `a` plain, `b` with a few tiles shifted in dimensions 0-3, `c` in 4-7.
    private func writeThreeClasses(perClass: Int) throws -> [String: (label: String, rows: Set<Int>)] {
        var generator = SeededGenerator(seed: 11)
        var slides: [String: (label: String, rows: Set<Int>)] = [:]
        var lines = ["slide_id,label"]
        for index in 0..<(3 * perClass) {
            let label = ["a", "b", "c"][index % 3], id = String(format: "s%02d", index)
            let tiles = 24 + Int(generator.next() % 12)
            let rows = label == "a" ? [] : marked(tiles, count: 3, generator: &generator)
            try writeSlide(id, tiles: tiles, marked: rows, dimensions: label == "b" ? 0..<4 : 4..<8, signal: 3, generator: &generator)
            slides[id] = (label, rows)
            lines.append("\(id),\(label)")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("labels.csv"))
        return slides
    }

    func testThreeClassTrainPredictAndClassHeatmap() throws {
        let slides = try writeThreeClasses(perClass: 10)
        let train = try run(["train", "--labels", path("labels.csv"), "--features", path("features"), "--folds", "3", "--epochs", "40",
                             "--head", "clam_mb", "--set", "model.embeddingWidth=32", "--set", "minimumEpochs=10",
                             "--set", "training.learningRate=0.001", "--set", "training.validationFraction=0.2", "--output", path("run")])
        XCTAssertEqual(train.status, 0, train.output)
        let summary = try json("run/summary.json")
        XCTAssertNil(summary["auc"], "multi-class summaries carry macroAUC, not the binary auc")
        let macro = try XCTUnwrap((summary["macroAUC"] as? [String: Any])?["mean"] as? Double)
        XCTAssertGreaterThanOrEqual(macro, 0.9, "held-out macro AUC on planted classes")
        XCTAssertEqual(Set(try XCTUnwrap(summary["perClassAUC"] as? [String: Any]).keys), ["a", "b", "c"])
        XCTAssertNotNil(summary["balancedAccuracy"])
        XCTAssertNotNil(summary["accuracy"])
        let confusion = try XCTUnwrap(summary["confusionMatrix"] as? [[Int]])
        XCTAssertEqual(confusion.count, 3)
        XCTAssertEqual(confusion.map { $0.reduce(0, +) }, [10, 10, 10], "every slide tested once, rows = true classes")
        let foldPredictions = try csv("run/fold-1/predictions.csv")
        XCTAssertEqual(foldPredictions.header, ["slide_id", "label", "p_a", "p_b", "p_c", "predicted_label", "set"])
        for row in foldPredictions.rows {
            XCTAssertEqual(row[2...4].compactMap(Double.init).reduce(0, +), 1, accuracy: 1e-5)
        }

        let predict = try run(["predict", "--model", path("run"), "--features", path("features"), "--output", path("predicted")])
        XCTAssertEqual(predict.status, 0, predict.output)
        let predictions = try csv("predicted/predictions.csv")
        XCTAssertEqual(predictions.header, ["slide_id", "p_a", "p_b", "p_c", "predicted_label", "tiles"])
        let right = predictions.rows.filter { slides[$0[0]]?.label == $0[4] }.count
        XCTAssertGreaterThanOrEqual(Double(right) / Double(predictions.rows.count), 0.9)

        // A `b` slide predicted `b`: its b attention finds the shifted tiles; c's attention is another map.
        let id = try XCTUnwrap(predictions.rows.first { slides[$0[0]]?.label == "b" && $0[4] == "b" }?[0])
        let scores = try HeatmapScores.read(from: folder.appendingPathComponent("predicted/attention/\(id).h5"))
        let classes = try XCTUnwrap(scores.classes)
        XCTAssertEqual(classes.names, ["a", "b", "c"])
        XCTAssertEqual(classes.predicted, "b")
        let perClass = try XCTUnwrap(classes.attention, "CLAM-MB has one attention branch per class")
        XCTAssertEqual(scores.attention, perClass[1], "the attention dataset is the predicted class's")
        XCTAssertNotEqual(perClass[1], perClass[2])
        let top = perClass[1].indices.max { perClass[1][$0] < perClass[1][$1] }!
        XCTAssertTrue(slides[id]!.rows.contains(top), "class b's top tile is a planted b tile")

        let slide = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("slides-sample/synthetic_0.tif").path
        let scoresPath = path("predicted/attention/\(id).h5")
        for name in ["b", "c"] {
            let heatmap = try run(["heatmap", slide, scoresPath, "-o", path("heatmap-\(name)"), "--class", name, "--max-side", "256",
                                   "--top-k", "1", "--bottom-k", "0"])
            XCTAssertEqual(heatmap.status, 0, heatmap.output)
        }
        let topB = try FileManager.default.contentsOfDirectory(atPath: path("heatmap-b/top_tiles/synthetic_0"))
        let point = scores.coordinates[top]
        XCTAssertEqual(topB.count, 1)
        XCTAssertTrue(topB[0].contains("_x_\(point.x)_y_\(point.y)_"), "--class b ranks tiles by b's attention: \(topB)")
        let b = try PNGCodec.decode(contentsOf: folder.appendingPathComponent("heatmap-b/synthetic_0_heatmap.png"))
        let c = try PNGCodec.decode(contentsOf: folder.appendingPathComponent("heatmap-c/synthetic_0_heatmap.png"))
        XCTAssertNotEqual(b.pixels, c.pixels, "another class, another picture")
        let unknown = try run(["heatmap", slide, scoresPath, "-o", path("heatmap-x"), "--class", "x"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.output.contains("no class 'x'"), unknown.output)
    }

    // MARK: - Case bags

    func testCaseBagsSplitByCaseAndPredictPerCase() throws {
        var generator = SeededGenerator(seed: 5)
        var lines = ["case_id,slide_id,label"], tiles: [String: Int] = [:]
        for index in 0..<12 {
            let positive = index % 2 == 0
            // The tumour tiles sit in one of the case's two slides only: the case bag needs both.
            for part in 0..<2 {
                let id = "case\(index)_\(part)", count = 15 + Int(generator.next() % 10)
                let rows = positive && part == index % 4 / 2 ? marked(count, count: 3, generator: &generator) : []
                tiles[id] = try writeSlide(id, tiles: count, marked: rows, dimensions: 0..<4, signal: 3, generator: &generator)
                lines.append("case\(index),\(id),\(positive ? "tumor" : "normal")")
            }
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("labels.csv"))
        let train = try run(["train", "--labels", path("labels.csv"), "--features", path("features"), "--folds", "3", "--epochs", "20",
                             "--set", "minimumEpochs=5", "--set", "training.learningRate=0.001", "--output", path("run")])
        XCTAssertEqual(train.status, 0, train.output)
        XCTAssertTrue(train.output.contains("12 bags (case_id)"), train.output)
        var tested: [String] = []
        for fold in 1...3 {
            let predictions = try csv("run/fold-\(fold)/predictions.csv")
            XCTAssertEqual(predictions.header.first, "case_id")
            let sets = Dictionary(grouping: predictions.rows, by: { $0.last! })
            tested += (sets["test"] ?? []).map { $0[0] }
            let folds = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("run/folds.json"))) as? [[String: Any]])
            let training = Set(try XCTUnwrap(folds[fold - 1]["training"] as? [Int])), test = Set(try XCTUnwrap(folds[fold - 1]["test"] as? [Int]))
            XCTAssertTrue(training.isDisjoint(with: test), "no case both trains and tests")
        }
        XCTAssertEqual(tested.sorted(), (0..<12).map { "case\($0)" }.sorted(), "every case is tested once, as one bag")

        let predict = try run(["predict", "--model", path("run"), "--features", path("features"), "--slides", path("labels.csv"),
                               "--output", path("predicted")])
        XCTAssertEqual(predict.status, 0, predict.output)
        let predictions = try csv("predicted/predictions.csv")
        XCTAssertEqual(predictions.header.first, "case_id")
        XCTAssertEqual(predictions.rows.count, 12)
        for row in predictions.rows {
            let slides = ["\(row[0])_0", "\(row[0])_1"]
            XCTAssertEqual(Int(row.last!), slides.map { tiles[$0]! }.reduce(0, +), "a case's tiles are its slides' tiles")
            var total: Float = 0
            for slide in slides {
                let scores = try HeatmapScores.read(from: folder.appendingPathComponent("predicted/attention/\(slide).h5"))
                XCTAssertEqual(scores.attention.count, tiles[slide], "attention mapped back to each slide's own tiles")
                total += scores.attention.reduce(0, +)
            }
            XCTAssertEqual(total, 1, accuracy: 1e-4, "one softmax over the case's tiles, split between its slides")
        }

        // CLAM split files list slide ids; with case bags they select the slides' cases.
        let trainSlides = (0..<8).flatMap { ["case\($0)_0", "case\($0)_1"] }, testSlides = (8..<12).map { "case\($0)_\($0 % 2)" }
        let rows = (0..<trainSlides.count).map { "\(trainSlides[$0]),\($0 < testSlides.count ? testSlides[$0] : "")" }
        try Data((["train,test"] + rows).joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("splits_0.csv"))
        let split = try run(["train", "--labels", path("labels.csv"), "--features", path("features"), "--splits", path("splits_0.csv"),
                             "--epochs", "2", "--output", path("split-run")])
        XCTAssertEqual(split.status, 0, split.output)
        let testRows = try csv("split-run/fold-1/predictions.csv").rows.filter { $0.last == "test" }.map { $0[0] }
        XCTAssertEqual(testRows, (8..<12).map { "case\($0)" })
        try Data("train,test\ncase0_0,case0_1\n".utf8).write(to: folder.appendingPathComponent("splits_1.csv"))
        let across = try run(["train", "--labels", path("labels.csv"), "--features", path("features"), "--splits", path("splits_1.csv"),
                              "--output", path("across")])
        XCTAssertNotEqual(across.status, 0)
        XCTAssertTrue(across.output.contains("case 'case0' is listed in two columns"), across.output)

        try Data("case_id,slide_id,label\nc1,case0_0,tumor\nc1,case0_1,normal\n".utf8).write(to: folder.appendingPathComponent("bad.csv"))
        let bad = try run(["train", "--labels", path("bad.csv"), "--features", path("features"), "--output", path("bad")])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.output.contains("case 'c1'"), bad.output)
    }

    // MARK: - Survival

    private func uniform(_ generator: inout SeededGenerator) -> Double { Double(generator.next() % 1_000_000 + 1) / 1_000_001 }

    /// Slides whose risk r, uniform in [0, 2], is planted as +r in half their tiles; times are
    /// exponential with rate e^{3r} (a perfect risk score has a c-index of about 0.77 here), a
    /// quarter censored. CLAM's `survival_months` + `censorship` columns.
    private func writeSurvival(count: Int) throws {
        var generator = SeededGenerator(seed: 3)
        var lines = ["slide_id,survival_months,censorship"]
        for index in 0..<count {
            let risk = 2 * uniform(&generator), id = String(format: "p%02d", index), tiles = 20 + Int(generator.next() % 10)
            try writeSlide(id, tiles: tiles, marked: marked(tiles, count: tiles / 2, generator: &generator), dimensions: 0..<4,
                           signal: Float(risk), generator: &generator)
            let time = -log(uniform(&generator)) / exp(3 * risk) * 24
            let censored = generator.next() % 4 == 0
            lines.append("\(id),\(String(format: "%.4f", censored ? time * 0.7 : time)),\(censored ? 1 : 0)")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("survival.csv"))
    }

    func testSurvivalTrainsWritesCIndexAndKaplanMeier() throws {
        try writeSurvival(count: 45)
        // Mean pooling: the risk is spread over half the tiles, and attention pooling's folds vary more on 45 slides.
        let train = try run(["train", "--labels", path("survival.csv"), "--features", path("features"), "--task", "survival", "--folds", "3",
                             "--epochs", "30", "--pooling", "mean", "--set", "training.learningRate=0.001", "--set", "training.validationFraction=0",
                             "--output", path("run")])
        XCTAssertEqual(train.status, 0, train.output)
        let summary = try json("run/summary.json")
        let cIndex = try XCTUnwrap((summary["cIndex"] as? [String: Any])?["mean"] as? Double)
        XCTAssertGreaterThanOrEqual(cIndex, 0.65, "held-out concordance of planted risk (perfect about 0.77, chance 0.5)")
        XCTAssertEqual((try XCTUnwrap(summary["folds"] as? [[String: Any]])).compactMap { $0["cIndex"] as? Double }.count, 3)
        XCTAssertNotNil(summary["logRankPValue"])
        XCTAssertNil(summary["macroAUC"])
        let km = try PNGCodec.decode(contentsOf: folder.appendingPathComponent("run/km.png"))
        XCTAssertEqual([km.width, km.height], [480, 300])
        XCTAssertTrue(km.pixels.contains(214) && km.pixels.contains(180), "both risk groups' curves are drawn")
        let predictions = try csv("run/fold-1/predictions.csv")
        XCTAssertEqual(predictions.header, ["slide_id", "time", "event", "risk", "set"])

        let predict = try run(["predict", "--model", path("run"), "--fold", "best", "--features", path("features"), "--output", path("predicted")])
        XCTAssertEqual(predict.status, 0, predict.output)
        XCTAssertEqual(try csv("predicted/predictions.csv").header, ["slide_id", "risk", "tiles"])
    }

    func testCoxThroughInstancesWithNamedColumns() throws {
        var generator = SeededGenerator(seed: 8)
        var lines = ["patient,T,E,f0,f1,f2"]
        for bag in 0..<45 {
            let risk = 2 * uniform(&generator)
            let time = -log(uniform(&generator)) / exp(3 * risk) * 10
            for _ in 0..<6 {
                lines.append("p\(bag),\(time),\(bag % 5 == 0 ? 0 : 1),\(0.3 * generator.nextNormal() + Float(risk)),\(generator.nextNormal()),\(generator.nextNormal())")
            }
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("instances.csv"))
        let train = try run(["train", "--instances", path("instances.csv"), "--bag-column", "patient", "--task", "survival",
                             "--survival-loss", "cox", "--time-column", "T", "--event-column", "E", "--folds", "3", "--epochs", "40",
                             "--set", "training.batchSize=8", "--set", "training.validationFraction=0", "--set", "training.learningRate=0.005",
                             "--output", path("run")])
        XCTAssertEqual(train.status, 0, train.output)
        let cIndex = try XCTUnwrap((try json("run/summary.json")["cIndex"] as? [String: Any])?["mean"] as? Double)
        XCTAssertGreaterThanOrEqual(cIndex, 0.62, "a perfect risk score reaches about 0.77, chance 0.5, a flipped sign 0.23")
        XCTAssertEqual(try csv("run/fold-2/predictions.csv").header.first, "bag_id")

        let one = try run(["train", "--instances", path("instances.csv"), "--bag-column", "patient", "--task", "survival",
                           "--survival-loss", "cox", "--time-column", "T", "--event-column", "E", "--output", path("bad")])
        XCTAssertNotEqual(one.status, 0, "Cox with one bag per step has no risk set")
        XCTAssertTrue(one.output.contains("batchSize"), one.output)
    }
}
