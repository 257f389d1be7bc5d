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
    ],
    targets: [
        // System libraries, each a module map plus one shim header, located with pkg-config.
        .systemLibrary(name: "COpenSlide", pkgConfig: "openslide", providers: [.apt(["libopenslide-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),

        .target(
            name: "MNISTBags",
            dependencies: ["CZlib"],
            resources: [.copy("mnist")]
        ),
        .target(
            name: "SlideMILCore",
            dependencies: ["COpenSlide", "CTIFF", "CPNG", "CBLAS", "CZlib", "CHDF5", "MNISTBags"]
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
        .testTarget(name: "MNISTBagsTests", dependencies: ["MNISTBags"]),
        .testTarget(name: "SlideMILCoreTests", dependencies: ["SlideMILCore"]),
    ],
    swiftLanguageModes: [.v5]
)
