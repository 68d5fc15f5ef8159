// swift-tools-version:6.1
// libFuzzer targets for TensorScope's file readers. A package of its own, because a fuzz target
// has no `main` (libFuzzer supplies it) and so cannot build with the main package's products.
// Build and run with `scripts/fuzz TARGET SECONDS` from the repository root.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which is whatever the checkout is called.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "TensorScopeFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "fuzz-image",
            dependencies: ["FuzzDriver", .product(name: "TensorScopeImage", package: root)]
        ),
        .executableTarget(
            name: "fuzz-safetensors",
            dependencies: ["FuzzDriver", .product(name: "TensorScope", package: root)]
        ),
        .executableTarget(
            name: "fuzz-tf-checkpoint",
            dependencies: ["FuzzDriver", .product(name: "TensorScope", package: root)]
        ),
        .executableTarget(
            name: "fuzz-graphdef",
            dependencies: ["FuzzDriver", .product(name: "TensorScope", package: root)]
        ),
    ]
)
