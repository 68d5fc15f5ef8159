// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "TensorScope",
    products: [
        .library(name: "TensorScope", targets: ["TensorScope"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "TensorScope",
            dependencies: ["COpenBLAS"]
        ),
        .executableTarget(
            name: "seed-example",
            dependencies: [
                "TensorScope",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "tensorscope-bench",
            dependencies: [
                "TensorScope",
                "COpenBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/tensorscope-bench"
        ),
        .testTarget(
            name: "TensorScopeTests",
            dependencies: [
                "TensorScope",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)
