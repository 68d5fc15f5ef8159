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
        .target(name: "CConvKernels", linkerSettings: [.linkedLibrary("m")]),
        // The compute layer: shape arithmetic, kernels that write into buffers they are given,
        // the workers, BLAS. Knows nothing of names, graphs or files.
        .target(
            name: "TensorScopeKernels",
            dependencies: ["COpenBLAS", "CMalloc", "CConvKernels"]
        ),
        // The graph layer: tensors, scopes, variables, the op record and the public ops,
        // initializers, safetensors checkpoints.
        .target(
            name: "TensorScopeGraph",
            dependencies: ["TensorScopeKernels"]
        ),
        // TensorFlow's own formats: protocol buffers, TFRecord, the TensorBoard export.
        .target(
            name: "TensorScopeTensorFlow",
            dependencies: [
                "TensorScopeGraph",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Protos/tensorflow.proto"]
        ),
        // The product's module: `import TensorScope` reaches all three layers.
        .target(
            name: "TensorScope",
            dependencies: ["TensorScopeKernels", "TensorScopeGraph", "TensorScopeTensorFlow"]
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
        // libpng's full API for the zlib settings the simplified one lacks (its longjmp caught in C).
        .target(name: "CPNGEncode", dependencies: ["CPNG"]),
        // The image side's pixel loops that Swift does not vectorise (the mosaic's tiles, a
        // feature map's summary).
        .target(name: "CImageKernels"),
        .target(
            name: "TensorScopeImage",
            dependencies: ["TensorScope", "TensorScopeGraph", "CPNG", "CPNGEncode", "CJPEG", "CImageKernels"]
        ),
        .executableTarget(
            name: "image-filter",
            dependencies: [
                "TensorScope",
                "TensorScopeGraph",
                "TensorScopeModels",
                "TensorScopeImage",
                "CImageKernels",
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
            name: "face-example",
            dependencies: [
                "TensorScope",
                "TensorScopeImage",
                "BundledPhotos",
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
        // Prints each Winograd variant's error against float64 beside the indirect GEMM's (the
        // tables in docs/ENGINE.md); C, on the kernels directly.
        .executableTarget(
            name: "winograd-error",
            dependencies: ["CConvKernels"],
            path: "Benchmarks/winograd-error"
        ),
        .testTarget(
            name: "TensorScopeTests",
            dependencies: [
                "TensorScope",
                "TensorScopeKernels",
                "TensorScopeGraph",
                "TensorScopeTensorFlow",
                "TensorScopeModels",
                "TensorScopeImage",
                "CJPEG",
                "CImageKernels",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)
