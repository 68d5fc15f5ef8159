// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "TensorScope",
    products: [
        .library(name: "TensorScope", targets: ["TensorScope"]),
        .library(name: "TensorScopeModels", targets: ["TensorScopeModels"]),
        .library(name: "TensorScopeImage", targets: ["TensorScopeImage"]),
        .executable(name: "image-filter", targets: ["image-filter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // `swift package generate-documentation` (DocC); build-time only, not linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .target(name: "CConvKernels"),
        .target(
            name: "TensorScope",
            dependencies: [
                "COpenBLAS", "CMalloc", "CConvKernels",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Export/TensorBoard/Protos/tensorboard.proto"]
        ),
        .target(
            name: "TensorScopeModels",
            dependencies: ["TensorScope"]
        ),
        .target(
            name: "BundledPhotos",
            resources: [.copy("Photos")]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        .target(
            name: "TensorScopeImage",
            dependencies: ["TensorScope", "CPNG", "CJPEG"]
        ),
        .executableTarget(
            name: "image-filter",
            dependencies: [
                "TensorScope",
                "TensorScopeModels",
                "TensorScopeImage",
                "BundledPhotos",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "seed-example",
            dependencies: [
                "TensorScope",
                "TensorScopeModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "tensorscope-bench",
            dependencies: [
                "TensorScope",
                "TensorScopeModels",
                "TensorScopeImage",
                "BundledPhotos",
                "COpenBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/tensorscope-bench"
        ),
        // Measures whether computing conv1 -> conv2 in row bands would beat layer by layer
        // (docs/ENGINE.md); C, on the kernels directly.
        .executableTarget(
            name: "fusion-probe",
            dependencies: ["CConvKernels"],
            path: "Benchmarks/fusion-probe"
        ),
        .testTarget(
            name: "TensorScopeTests",
            dependencies: [
                "TensorScope",
                "TensorScopeModels",
                "TensorScopeImage",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)
