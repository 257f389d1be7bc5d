import ExtractStage
import Foundation
import HeatmapStage
import MIL
import MNISTRun
import Pipeline
import PredictStage
import RunSupport
import TileStage
import TrainStage

/// Everything `slidemil demo` does: the synthetic slides, the pipeline sections (keys as in
/// `PipelineConfig`: `tile`, `extract`, `train`, `predict`, `heatmap`) and a short MNIST-bags
/// run (keys as in `MNISTBagsConfig`). The defaults equal `configs/demo.yaml`; `smallest` is the
/// setting the tests run.
public struct DemoConfig: Codable, Equatable, Sendable {
    /// The synthetic slides.
    public var slides: DemoSlidesConfig
    /// Pipeline sections, as in `PipelineConfig`.
    public var tile: TileSettings
    public var extract: ExtractSettings
    public var train: SlideTrainSettings
    public var predict: PredictSettings
    public var heatmap: HeatmapSettings
    /// The MNIST-bags run, as in `configs/mnist-bags.yaml`.
    public var mnist: MNISTBagsConfig

    /// The default demo, under a minute on two cores: 40 synthetic 4000 x 3000 px
    /// slides at 0.25 µm/px with 3 tumour regions per tumour slide; 128 px tiles at 0.5 µm/px lying
    /// wholly in tissue; a random-init ResNet-18 of base width 8 on 64 px inputs (64 features);
    /// attention MIL with 4-fold cross-validation on 30 slides (features standardised, Adam 5e-4, 20 to 60 epochs) and
    /// 10 held out; heatmaps 1024 px wide; MNIST bags with a 1-epoch pretraining on 6,000 images
    /// and 400 training bags.
    public init() {
        slides = DemoSlidesConfig()
        tile = TileSettings()
        tile.grid.tileSize = 128
        tile.grid.minTissueFraction = 1
        extract = ExtractSettings()
        extract.backbone = .resnet18
        extract.baseWidth = 8
        extract.inputSize = 64
        train = SlideTrainSettings()
        train.folds = 4
        train.minimumEpochs = 20
        train.training.learningRate = 5e-4
        train.training.epochs = 60
        train.training.patience = 15
        train.training.validationFraction = 0.2
        predict = PredictSettings()
        heatmap = HeatmapSettings()
        heatmap.canvas = .maximumSide(1024)
        mnist = MNISTBagsConfig()
        mnist.pretraining.epochs = 1
        mnist.pretraining.trainingImages = 6000
        mnist.pretraining.validationImages = 1000
        mnist.bags.trainingBags = 400
        mnist.bags.testBags = 200
        mnist.bags.trainingPool = 6000
        mnist.bags.testPool = 2000
        mnist.training.epochs = 20
    }

    /// The quickest run that still passes through every stage (the end-to-end test's setting,
    /// seconds in release mode):
    /// 6 slides of 2400 x 1800 px, 2 folds of at most 8 epochs, 2 slides held out, 512 px
    /// heatmaps, MNIST pretraining on 1,000 images with 60 training bags.
    public static var smallest: DemoConfig {
        var config = DemoConfig()
        config.slides.count = 6
        config.slides.width = 2400
        config.slides.height = 1800
        config.extract.baseWidth = 4
        config.extract.inputSize = 32
        config.train.folds = 2
        config.train.minimumEpochs = 1
        config.train.training.epochs = 8
        config.train.training.validationFraction = 0
        config.predict.heldOutFraction = 0.34
        config.heatmap.canvas = .maximumSide(512)
        config.heatmap.topK = 2
        config.heatmap.bottomK = 2
        config.mnist.pretraining.trainingImages = 1000
        config.mnist.pretraining.validationImages = 200
        config.mnist.pretraining.baseWidth = 8
        config.mnist.bags.trainingBags = 60
        config.mnist.bags.testBags = 40
        config.mnist.bags.trainingPool = 1000
        config.mnist.bags.testPool = 500
        config.mnist.training.epochs = 3
        config.mnist.figure.bags = 4
        return config
    }

    /// Loads `file` (when given) over the defaults, or over `smallest` when `smallest` is set,
    /// then `overrides`.
    /// - Throws: `ConfigError` for unreadable files, unknown keys and bad values.
    public static func load(file: URL?, smallest: Bool = false, overrides: [String] = []) throws -> DemoConfig {
        try ConfigLoader.load(defaults: smallest ? .smallest : DemoConfig(), file: file, overrides: overrides)
    }

    /// The pipeline sections as a `PipelineConfig`.
    public var pipeline: PipelineConfig {
        PipelineConfig(tile: tile, extract: extract, train: train, predict: predict, heatmap: heatmap)
    }
}
