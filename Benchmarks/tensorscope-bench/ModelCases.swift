@_spi(Benchmarking) import TensorScope
import Foundation
import TensorScopeModels

/// Whole models built once on a placeholder and run through a `Session`, as a TF1 program runs
/// them: the digits CNN, `my_image_filter`, and a detector-style cascade of small CNNs with
/// PReLU, max-pooling and dense heads (the shape of MTCNN's three nets).
enum ModelCases {
    /// A layer of the detector-style nets, as `scripts/bench_peers.py` builds them for the peers.
    enum Layer {
        case conv(kernel: Int, out: Int)  // VALID, stride 1, bias, PReLU
        case maxPool(size: Int, stride: Int, same: Bool)
        case flatten
        case dense(out: Int, prelu: Bool)
        case softmax
    }

    /// 12 × 12 crops, batch 1: three convolutions with PReLU, then a 1 × 1 classifier.
    static let detector12: [Layer] = [
        .conv(kernel: 3, out: 10), .maxPool(size: 2, stride: 2, same: true), .conv(kernel: 3, out: 16),
        .conv(kernel: 3, out: 32), .flatten, .dense(out: 2, prelu: false), .softmax,
    ]
    /// 24 × 24 crops, batch 100.
    static let detector24: [Layer] = [
        .conv(kernel: 3, out: 28), .maxPool(size: 3, stride: 2, same: true), .conv(kernel: 3, out: 48),
        .maxPool(size: 3, stride: 2, same: false), .conv(kernel: 2, out: 64), .flatten,
        .dense(out: 128, prelu: true), .dense(out: 2, prelu: false), .softmax,
    ]
    /// 48 × 48 crops, batch 100.
    static let detector48: [Layer] = [
        .conv(kernel: 3, out: 32), .maxPool(size: 3, stride: 2, same: true), .conv(kernel: 3, out: 64),
        .maxPool(size: 3, stride: 2, same: false), .conv(kernel: 3, out: 64), .maxPool(size: 2, stride: 2, same: true),
        .conv(kernel: 2, out: 128), .flatten, .dense(out: 256, prelu: true), .dense(out: 2, prelu: false), .softmax,
    ]

    /// The net of `layers` on `x`, its variables from `getVariable` (`layer0/weights`, …).
    static func detector(_ x: Tensor, _ layers: [Layer]) throws -> (Tensor, flops: Double) {
        var h = x
        var flops = 0.0
        for (i, layer) in layers.enumerated() {
            h = try variableScope("layer\(i)") { _ -> Tensor in
                let channels = h.shape.last!
                switch layer {
                case .conv(let k, let out):
                    let w = try getVariable("weights", shape: [k, k, channels, out], initializer: .glorotUniform(seed: i))
                    let b = try getVariable("biases", shape: [out], initializer: .constant(0.01))
                    let alpha = try getVariable("alpha", shape: [out], initializer: .constant(0.25))
                    let y = try prelu(try biasAdd(try conv2d(h, w, padding: .valid), b), alpha: alpha)
                    flops += 2 * Double(y.shape.dropFirst().reduce(1, *) * k * k * channels)
                    return y
                case .maxPool(let size, let stride, let same):
                    return try maxPool(h, ksize: [size], strides: [stride], padding: same ? .same : .valid)
                case .flatten:
                    return try reshape(h, [-1, h.shape.dropFirst().reduce(1, *)])
                case .dense(let out, let withPReLU):
                    let w = try getVariable("weights", shape: [channels, out], initializer: .glorotUniform(seed: i))
                    let b = try getVariable("biases", shape: [out], initializer: .constant(0.01))
                    flops += 2 * Double(channels * out)
                    let y = try matmul(h, w) + b
                    guard withPReLU else { return y }
                    return try prelu(y, alpha: try getVariable("alpha", shape: [out], initializer: .constant(0.25)))
                case .softmax:
                    return try softmax(h)
                }
            }
        }
        return (h, flops)
    }

    /// A case that runs `build`'s graph through a Session on `input`.
    static func session(
        name: String, description: String, input: Tensor, flopsPerImage: Double? = nil,
        build: (Tensor) throws -> (Tensor, flops: Double)
    ) throws -> BenchCase {
        let graph = Graph()
        let inputShape: [Int?] = [nil] + input.shape.dropFirst().map { $0 }
        let (output, flops) = try graph.asDefault {
            try build(try placeholder(shape: inputShape, name: "input"))
        }
        return try sessionCase(name: name, description: description, graph: graph, fetch: output, feed: "input",
                               input: input, flopsPerImage: flopsPerImage ?? flops)
    }

    /// The repository's root, for the model files of Tests/TensorScopeTests/Fixtures.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A case that runs a frozen GraphDef of the repository, imported, through a Session.
    static func imported(
        name: String, description: String, file: String, feed: String, fetch: String, input: Tensor, flopsPerImage: Double
    ) throws -> BenchCase {
        let graph = try Graph(importingGraphDef: root.appendingPathComponent(file))
        return try sessionCase(name: name, description: description, graph: graph, fetch: try graph.tensor(named: fetch),
                               feed: feed, input: input, flopsPerImage: flopsPerImage)
    }

    /// `graph`'s `fetch` run through a Session with `input` fed to `feed`; the bytes it touches
    /// are the input, the plan's arena and the variables.
    private static func sessionCase(
        name: String, description: String, graph: Graph, fetch output: Tensor, feed: String, input: Tensor, flopsPerImage: Double
    ) throws -> BenchCase {
        let session = try Session(graph: graph)
        let summary = try session.planSummary([output], feedShapes: [feed: input.shape])
        let batch = input.shape[0]
        return BenchCase(
            name: name, description: description, batch: batch, convolutions: [],
            run: { _ = try session.run(output, feeds: [feed: input]) },
            gemmOnly: { _ = try session.run(output, feeds: [feed: input]) },
            flopsOverride: flopsPerImage * Double(batch),
            bytesOverride: 4 * input.scalarCount + summary.arenaBytes
                + 4 * graph.globalVariables.reduce(0) { $0 + $1.shape.reduce(1, *) },
            algorithmOverride: "session(\(summary.steps.count) steps, arena \(summary.arenaBytes / 1024) KiB)")
    }

    /// MTCNN's nets (the pretrained face detector of Tests/TensorScopeTests/Fixtures/mtcnn, from
    /// scripts/convert_mtcnn.py): input shape and multiply-add FLOPs per image, counted per
    /// layer as `scripts/bench_peers.py` counts them.
    static let mtcnn: [(net: String, shape: [Int], flops: Double)] = [
        ("pnet", [1, 160, 160, 3], 2.0 * Double(158 * 158 * 27 * 10 + 77 * 77 * 90 * 16 + 75 * 75 * 144 * 32 + 75 * 75 * 32 * 6)),
        ("rnet", [100, 24, 24, 3], 2.0 * Double(22 * 22 * 27 * 28 + 9 * 9 * 252 * 48 + 3 * 3 * 192 * 64 + 576 * 128 + 128 * 6)),
        ("onet", [100, 48, 48, 3],
         2.0 * Double(46 * 46 * 27 * 32 + 21 * 21 * 288 * 64 + 8 * 8 * 576 * 64 + 3 * 3 * 256 * 128 + 1152 * 256 + 256 * 16)),
    ]

    /// The MTCNN cases: each frozen Keras graph imported, and (`-swift`) the same net written in
    /// Swift and restored from the TF1 checkpoint, both through a Session.
    static func mtcnnCases() -> [(String, () throws -> BenchCase)] {
        mtcnn.flatMap { net, shape, flops -> [(String, () throws -> BenchCase)] in
            let photos = shape[1] == 160 ? "a 160 × 160 image" : "\(shape[0]) crops of \(shape[1]) × \(shape[2])"
            return [
                ("mtcnn-\(net)", {
                    try imported(name: "mtcnn-\(net)", description: "MTCNN \(net), TensorFlow's frozen Keras graph, on \(photos), Session",
                                 file: "Tests/TensorScopeTests/Fixtures/mtcnn/\(net).pb", feed: "input", fetch: "Identity_1",
                                 input: try Cases.random(shape, seed: 9), flopsPerImage: flops)
                }),
                ("mtcnn-\(net)-swift", {
                    try session(name: "mtcnn-\(net)-swift", description: "MTCNN \(net) written in Swift, from the TF1 checkpoint, on \(photos), Session",
                                input: try Cases.random(shape, seed: 9), flopsPerImage: flops) { x in
                        try Graph.current.setInitialValues(
                            fromTensorFlowCheckpoint: root.appendingPathComponent("Tests/TensorScopeTests/Fixtures/mtcnn/mtcnn.ckpt").path,
                            assignmentMap: ["\(net)/": "\(net)/"])
                        switch net {
                        case "pnet": return (try MTCNN.pnet(x).probability, 0)
                        case "rnet": return (try MTCNN.rnet(x).probability, 0)
                        default: return (try MTCNN.onet(x).probability, 0)
                        }
                    }
                }),
            ]
        }
    }

    static func detectorCase(_ name: String, _ layers: [Layer], _ shape: [Int]) -> (String, () throws -> BenchCase) {
        (name, {
            try session(name: name, description: "detector-style net on \(shape), Session",
                        input: try Cases.random(shape, seed: 11), build: { try detector($0, layers) })
        })
    }

    /// MTCNN's PNet (on 160 × 160) and RNet (100 crops) layer by layer, and ONet's first layer,
    /// random weights, each through a Session: a convolution with bias and PReLU, and the first
    /// with its max pool.
    static func mtcnnLayers() -> [(String, () throws -> BenchCase)] {
        [
            detectorCase("pnet-conv1", [.conv(kernel: 3, out: 10)], [1, 160, 160, 3]),
            detectorCase("pnet-conv1-pool", [.conv(kernel: 3, out: 10), .maxPool(size: 2, stride: 2, same: true)], [1, 160, 160, 3]),
            detectorCase("pnet-conv2", [.conv(kernel: 3, out: 16)], [1, 79, 79, 10]),
            detectorCase("pnet-conv3", [.conv(kernel: 3, out: 32)], [1, 77, 77, 16]),
            detectorCase("rnet-conv1", [.conv(kernel: 3, out: 28)], [100, 24, 24, 3]),
            detectorCase("rnet-conv1-pool", [.conv(kernel: 3, out: 28), .maxPool(size: 3, stride: 2, same: true)], [100, 24, 24, 3]),
            detectorCase("rnet-conv2", [.conv(kernel: 3, out: 48)], [100, 11, 11, 28]),
            detectorCase("rnet-conv3", [.conv(kernel: 2, out: 64)], [100, 4, 4, 48]),
            detectorCase("onet-conv1", [.conv(kernel: 3, out: 32)], [100, 48, 48, 3]),
            detectorCase("onet-conv1-pool", [.conv(kernel: 3, out: 32), .maxPool(size: 3, stride: 2, same: true)], [100, 48, 48, 3]),
        ]
    }

    static func all() -> [(String, () throws -> BenchCase)] {
        let digitsFLOPs = 2.0 * Double(8 * 8 * 9 * 1 * 16 + 4 * 4 * 9 * 16 * 32 + 128 * 64 + 64 * 10)
        func digitsCase(_ name: String, batch: Int) -> (String, () throws -> BenchCase) {
            (name, {
                try session(name: name, description: "digitsCNN on [\(batch), 8, 8, 1], Session",
                            input: try Cases.random([batch, 8, 8, 1], seed: 5), flopsPerImage: digitsFLOPs,
                            build: { (try digitsCNN($0), 0) })
            })
        }
        let imageFilterFLOPs = 2.0 * Double(224 * 224 * 25 * 32 * (3 + 32))
        return [
            digitsCase("digits-cnn", batch: 256),
            digitsCase("digits-cnn-b1", batch: 1),
            ("digits-cnn-frozen", {
                try imported(name: "digits-cnn-frozen", description: "TensorFlow's frozen digits CNN on [256, 8, 8, 1], imported, Session",
                             file: "Tests/TensorScopeTests/Fixtures/digits/frozen.pb", feed: "images", fetch: "logits",
                             input: try Cases.random([256, 8, 8, 1], seed: 5), flopsPerImage: digitsFLOPs)
            }),
            ("image-filter-224-b1", {
                try session(name: "image-filter-224-b1", description: "my_image_filter on [1, 224, 224, 3], Session",
                            input: try Cases.photos(1), flopsPerImage: imageFilterFLOPs,
                            build: { x in (try variableScope("image_filters") { _ in try myImageFilter(x, seed: 1) }, 0) })
            }),
            ("depthwise-3x3", {
                try session(name: "depthwise-3x3", description: "[4,56,56,128] depthwise 3×3 SAME + bias + ReLU6, Session",
                            input: try Cases.random([4, 56, 56, 128], seed: 13), flopsPerImage: 2.0 * 56 * 56 * 128 * 9) { x in
                    let w = try getVariable("depthwise_weights", shape: [3, 3, 128, 1], initializer: .glorotUniform(seed: 1))
                    let b = try getVariable("biases", shape: [128], initializer: .constant(0.01))
                    return (relu6(try biasAdd(try depthwiseConv2d(x, w, padding: .same), b)), 0)
                }
            }),
            ("mobilenet-block", {
                try session(name: "mobilenet-block",
                            description: "Blocks.mobileNet on [4,56,56,64]: depthwise 3×3, BN, ReLU6, 1×1 to 128, BN, ReLU6, Session",
                            input: try Cases.random([4, 56, 56, 64], seed: 14), flopsPerImage: 2.0 * 56 * 56 * 64 * (9 + 128)) { x in
                    (try Blocks.mobileNet(x, outputChannels: 128), 0)
                }
            }),
            ("resnet-block", {
                try session(name: "resnet-block",
                            description: "Blocks.resNet on [4,28,28,64]: pad, 3×3 conv, BN, ReLU, 3×3 conv, BN, add, ReLU, Session",
                            input: try Cases.random([4, 28, 28, 64], seed: 15), flopsPerImage: 2.0 * 2 * 28 * 28 * 64 * 64 * 9) { x in
                    (try Blocks.resNet(x), 0)
                }
            }),
            detectorCase("detector-12", detector12, [1, 12, 12, 3]),
            detectorCase("detector-24", detector24, [100, 24, 24, 3]),
            detectorCase("detector-48", detector48, [100, 48, 48, 3]),
        ] + mtcnnCases()
    }
}

extension ModelCases {
    /// Eager element-wise ops on `[8, 64, 64, 32]` (one seed-layer output): `x * 2` (a scalar
    /// operand), `x * y` (two tensors), `x + b` (a `[32]` bias) and `prelu(x, α)` — the scalar
    /// case should run as fast as the tensor one.
    static func elementwise() throws -> [(String, () throws -> BenchCase)] {
        let shape = [8, 64, 64, 32]
        let count = shape.reduce(1, *)
        func eager(_ name: String, _ description: String, _ body: @escaping (Tensor, Tensor, Tensor) throws -> Tensor)
            -> (String, () throws -> BenchCase) {
            (name, {
                let x = try Cases.random(shape, seed: 21), y = try Cases.random(shape, seed: 22)
                let b = try Cases.random([32], seed: 23)
                let graph = Graph()
                graph.recordsOperations = false
                return BenchCase(
                    name: name, description: description, batch: shape[0], convolutions: [],
                    run: { _ = try graph.asDefault { try body(x, y, b) } },
                    gemmOnly: { _ = try graph.asDefault { try body(x, y, b) } },
                    flopsOverride: Double(count), bytesOverride: 4 * 3 * count, algorithmOverride: "eager")
            })
        }
        return [
            eager("eltwise-scalar", "x * 2 on \(shape)") { x, _, _ in x * 2 },
            eager("eltwise-tensor", "x * y on \(shape)") { x, y, _ in try x * y },
            eager("eltwise-bias", "x + b[32] on \(shape)") { x, _, b in try x + b },
            eager("eltwise-prelu", "prelu(x, α[32]) on \(shape)") { x, _, b in try prelu(x, alpha: b) },
        ]
    }
}
