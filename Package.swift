// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SlideMIL",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "slidemil", targets: ["slidemil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        // System libraries, each a module map plus one shim header, located with pkg-config.
        .systemLibrary(name: "COpenSlide", pkgConfig: "openslide", providers: [.apt(["libopenslide-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // oneDNN ships no pkg-config file in Debian; its header and library are on the default paths.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // libtiff's process-wide messages collected per thread (C, for its thread-local buffer).
        .target(name: "CTIFFMessages", dependencies: ["CTIFF"]),

        // Register-only FMA loops per instruction set (the machine's measured peak for benchmarks).
        .target(name: "CPUPeak"),

        // Engine: tensors (and the BLAS core selection, oneDNN convolutions), layers, models.
        .target(name: "Tensor", dependencies: ["CBLAS", "CDNNL"]),
        .target(name: "NN", dependencies: ["Tensor"]),
        .target(name: "Transformer", dependencies: ["NN", "Tensor", "CDNNL"]),
        .target(name: "Backbones", dependencies: ["NN", "Transformer", "Tensor"]),
        .target(name: "MIL", dependencies: ["NN", "Tensor"]),
        .target(name: "MILHeads", dependencies: ["MIL", "NN", "Tensor"]),
        .target(name: "MILTasks", dependencies: ["MILHeads", "MIL", "NN", "Tensor"]),

        // Slides, tiles and files; `Raster` is the RGB image and its resampler that all of them share.
        .target(name: "Raster"),
        .target(name: "SlideIO", dependencies: ["Raster", "COpenSlide", "CTIFF", "CTIFFMessages", "CTurboJPEG"]),
        .target(name: "SlideSynthesis", dependencies: ["SlideIO", "Raster", "Tensor", "CTIFF"]),
        .target(name: "Tiling", dependencies: ["SlideIO", "Raster", "Tensor"]),
        .target(name: "Store", dependencies: ["CHDF5"]),
        .target(name: "Heatmap", dependencies: ["Raster", "CPNG"]),
        .target(
            name: "MNISTBags",
            dependencies: ["CZlib"],
            resources: [.copy("mnist")]
        ),

        // What every stage run shares: the slide list, progress, settings loading and fingerprints.
        .target(
            name: "RunSupport",
            dependencies: ["Store", "Heatmap", "Raster", "SlideIO", "Tiling", .product(name: "Yams", package: "Yams")]
        ),

        // One module per stage.
        .target(name: "TileStage", dependencies: ["RunSupport", "Raster", "SlideIO", "Tiling", "Store", "Heatmap"]),
        .target(name: "ExtractStage", dependencies: ["RunSupport", "Backbones", "NN", "Tensor", "Raster", "SlideIO", "Tiling", "Store", "Heatmap"]),
        .target(name: "TrainStage", dependencies: ["RunSupport", "MILTasks", "MILHeads", "MIL", "NN", "Tensor", "Store", "Heatmap", "Raster"]),
        .target(name: "PredictStage", dependencies: ["RunSupport", "TrainStage", "MILTasks", "MILHeads", "MIL", "Store"]),
        .target(name: "HeatmapStage", dependencies: ["RunSupport", "Raster", "SlideIO", "Tiling", "Store", "Heatmap"]),

        // The stages joined: `slidemil pipeline` and `predict --from-slides`.
        .target(
            name: "Pipeline",
            dependencies: ["RunSupport", "TileStage", "ExtractStage", "TrainStage", "PredictStage", "HeatmapStage",
                           "MILTasks", "MIL", "Store", "Heatmap", "SlideIO", "Tiling"]
        ),

        // The pipeline on a Slurm cluster: sbatch scripts, submission, status.
        .target(name: "Cluster", dependencies: ["Pipeline", "RunSupport", "Store"]),

        // Synthetic slides, the MNIST-bags validation run, the demo, benchmarks, diagnostics.
        .target(name: "Synth", dependencies: ["RunSupport", "SlideIO", "SlideSynthesis"]),
        .target(
            name: "MNISTRun",
            dependencies: ["RunSupport", "MNISTBags", "Backbones", "NN", "MIL", "MILHeads", "MILTasks", "Tensor", "Heatmap", "Raster", "Store"]
        ),
        .target(name: "Demo", dependencies: ["Pipeline", "MNISTRun", "Synth", "RunSupport", "TileStage", "ExtractStage", "TrainStage", "PredictStage", "HeatmapStage", "MIL", "Store"]),
        .target(name: "Bench", dependencies: ["ExtractStage", "Viewer", "Synth", "SlideSynthesis", "CPUPeak", "RunSupport", "Backbones", "NN", "Tensor", "SlideIO", "Store", "Tiling"]),
        // `slidemil view`: the run and its slides in a browser, served over SwiftNIO.
        .target(
            name: "Viewer",
            dependencies: ["RunSupport", "Raster", "SlideIO", "Tiling", "Store", "Heatmap", "CTurboJPEG",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            resources: [.copy("web")]
        ),
        .target(name: "Diagnostics", dependencies: ["COpenSlide", "CTIFF", "CPNG", "CBLAS", "CZlib", "CHDF5", "CTurboJPEG", "SlideIO", "Tensor"]),

        .executableTarget(
            name: "slidemil",
            dependencies: [
                "RunSupport", "TileStage", "ExtractStage", "TrainStage", "PredictStage", "HeatmapStage", "Pipeline",
                "Cluster", "Synth", "MNISTRun", "Demo", "Bench", "Diagnostics", "Viewer", "Tensor", "Store", "SlideIO", "Tiling", "Heatmap",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["COpenSlide", "CTIFF", "CPNG", "CBLAS", "CZlib", "CHDF5"]
        ),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Transformer"]),
        .testTarget(name: "BackbonesTests", dependencies: ["Backbones"]),
        .testTarget(name: "MILTests", dependencies: ["MIL", "MILHeads", "MILTasks"]),
        .testTarget(name: "RasterTests", dependencies: ["Raster"]),
        .testTarget(name: "SlideIOTests", dependencies: ["SlideIO", "Raster", "SlideSynthesis"]),
        .testTarget(name: "TilingTests", dependencies: ["Tiling", "Raster", "SlideSynthesis"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "HeatmapTests", dependencies: ["Heatmap", "Raster"]),
        .testTarget(name: "MNISTBagsTests", dependencies: ["MNISTBags", "Tensor"]),
        .testTarget(name: "ViewerTests", dependencies: ["Viewer", "Raster", "SlideIO", "SlideSynthesis", "Store", "CTurboJPEG"]),
        // The stage modules and what joins them.
        .testTarget(
            name: "SlideMILCoreTests",
            dependencies: ["RunSupport", "TileStage", "ExtractStage", "TrainStage", "PredictStage", "HeatmapStage",
                           "Pipeline", "Synth", "MNISTRun", "Demo", "Diagnostics", "Tensor", "NN", "MIL", "MILTasks", "Backbones", "Raster", "SlideIO", "SlideSynthesis",
                           "Tiling", "Store", "Heatmap"]
        ),
        // Runs the built `slidemil` as a user would (e.g. that docs/cli.md equals
        // `slidemil help-markdown`); the settings types say what its options must stand for.
        .testTarget(name: "SlideMILCLITests", dependencies: ["RunSupport", "TileStage", "ExtractStage", "HeatmapStage", "Pipeline", "TrainStage", "Heatmap", "Store", "Tensor"]),
        // `slidemil cluster` against a single-node Slurm the tests start (needs root).
        .testTarget(name: "ClusterTests", dependencies: ["Store"]),
    ],
    swiftLanguageModes: [.v5]
)
