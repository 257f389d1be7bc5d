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
    ],
    targets: [
        // System libraries, each a module map plus one shim header, located with pkg-config.
        .systemLibrary(name: "COpenSlide", pkgConfig: "openslide", providers: [.apt(["libopenslide-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // oneDNN ships no pkg-config file in Debian; its header and library are on the default paths.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // Register-only FMA loops per instruction set (the machine's measured peak for benchmarks).
        .target(name: "CPUPeak"),

        // Engine: tensors, layers, models.
        .target(name: "Tensor", dependencies: ["CBLAS", "CDNNL"]),
        .target(name: "NN", dependencies: ["Tensor"]),
        .target(name: "Backbones", dependencies: ["NN"]),
        .target(name: "MIL", dependencies: ["NN"]),

        // Slides, tiles and files.
        .target(name: "SlideIO", dependencies: ["COpenSlide", "CTIFF"]),
        .target(name: "Tiling", dependencies: ["SlideIO", "Tensor"]),
        .target(name: "Store", dependencies: ["CHDF5"]),
        .target(name: "Heatmap", dependencies: ["CPNG", "Tensor"]),
        .target(
            name: "MNISTBags",
            dependencies: ["CZlib", "Tensor"],
            resources: [.copy("mnist")]
        ),

        // Pipelines joining the modules, and the executable.
        .target(
            name: "SlideMILCore",
            dependencies: [
                "COpenSlide", "CTIFF", "CPNG", "CBLAS", "CZlib", "CHDF5",
                "Tensor", "NN", "Backbones", "MIL", "SlideIO", "Tiling", "Store", "Heatmap", "MNISTBags", "CPUPeak",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "slidemil",
            dependencies: [
                "SlideMILCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["COpenSlide", "CTIFF", "CPNG", "CBLAS", "CZlib", "CHDF5"]
        ),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "BackbonesTests", dependencies: ["Backbones"]),
        .testTarget(name: "MILTests", dependencies: ["MIL"]),
        .testTarget(name: "SlideIOTests", dependencies: ["SlideIO"]),
        .testTarget(name: "TilingTests", dependencies: ["Tiling"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "HeatmapTests", dependencies: ["Heatmap"]),
        .testTarget(name: "MNISTBagsTests", dependencies: ["MNISTBags"]),
        .testTarget(name: "SlideMILCoreTests", dependencies: ["SlideMILCore"]),
        // Runs the built `slidemil` (no module dependency: it tests the executable, e.g. that
        // docs/cli.md equals `slidemil help-markdown`).
        .testTarget(name: "SlideMILCLITests"),
    ],
    swiftLanguageModes: [.v5]
)
