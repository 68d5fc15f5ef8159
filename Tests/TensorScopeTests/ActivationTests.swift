import Foundation
import Testing
import TensorScope
@testable import TensorScopeKernels

/// The activations of the Session issue (`relu6`, `leakyRelu`, `elu`, `prelu`) against plain
/// loops in Double, and fused into a convolution's epilogue by a `Session` — on every algorithm,
/// every instruction set this CPU runs, streamed and not — equal bit for bit to the eager ops.
@Suite struct ActivationTests {
    /// Values around every threshold, and enough of them (3·2^16 + 5) for several chunks.
    static let inputs: [Float] = {
        var rng = TestRandom(41)
        return rng.floats(3 * 65_536) .map { $0 * 8 } + [0, -0.0, 6, -1e-4, 1e-4]
    }()

    @Test func elementwiseActivationsMatchPlainLoops() throws {
        let x = try Tensor(shape: [Self.inputs.count], scalars: Self.inputs)
        let graph = Graph()
        graph.asDefault {
            let cases: [(String, Tensor, (Double) -> Double)] = [
                ("relu6", relu6(x), { min(max($0, 0), 6) }),
                ("leakyRelu", leakyRelu(x), { $0 > 0 ? $0 : 0.2 * $0 }),
                ("leakyRelu 0.01", leakyRelu(x, alpha: 0.01), { $0 > 0 ? $0 : Double(Float(0.01)) * $0 }),
                ("elu", elu(x), { $0 < 0 ? Foundation.exp($0) - 1 : $0 }),
            ]
            for (name, y, reference) in cases {
                #expect(y.shape == x.shape)
                let expected = Self.inputs.map { Float(reference(Double($0))) }
                // elu's e^x − 1 cancels near 0: absolute error there, relative elsewhere.
                let bad = zip(y.scalars, expected).enumerated().first { _, pair in
                    abs(pair.0 - pair.1) > 1e-6 * max(1, abs(pair.1))
                }
                #expect(bad == nil, "\(name): element \(bad.map { "\($0.offset): \($0.element)" } ?? "")")
            }
        }
        #expect(graph.operations.map(\.type) == ["Relu6", "LeakyRelu", "LeakyRelu", "Elu"])
    }

    @Test func preluUsesOneSlopePerChannel() throws {
        let channels = 7
        let count = Self.inputs.count / channels * channels
        let x = try Tensor(shape: [count / channels, channels], scalars: Array(Self.inputs.prefix(count)))
        let slopes: [Float] = [0.25, -0.5, 0, 1, 2, 0.1, -3]
        let y = try Graph().asDefault { try prelu(x, alpha: Tensor(shape: [channels], scalars: slopes)) }
        for i in 0..<count {
            let v = x.scalars[i], s = slopes[i % channels]
            #expect(y.scalars[i] == (v > 0 ? v : v * s))
        }
        let wrong = #expect(throws: TensorScopeError.self) { try prelu(x, alpha: Tensor(zeros: [3])) }
        #expect(wrong?.description.hasPrefix("prelu: expected alpha of shape [C]") == true)
    }

    /// conv2d → bias → activation, eagerly (three ops) and through a Session (one fused step);
    /// on 13 × 11 maps, batch-major (tiles one output image apart) on 9 maps of 5 × 4, and with a
    /// 5 × 5 kernel on 12 × 9 maps (Winograd when pinned: F(2 × 2, 5 × 5)'s tiles past an odd
    /// side, F(3 × 3, 5 × 5)'s filling both).
    @Test(arguments: ["Relu", "Relu6", "LeakyRelu", "Elu", "Prelu"], [[2, 13, 11, 5, 3], [9, 5, 4, 5, 3], [2, 12, 9, 5, 5]])
    func fusedIntoConvolutionEqualsEager(_ activation: String, _ shape: [Int]) throws {
        var rng = TestRandom(7)
        let xs = Array(shape.prefix(4))
        // 40 output channels: more than one channel block for every tile width, the last partial.
        let ws = [shape[4], shape[4], 5, 40]
        let x = try Tensor(shape: xs, scalars: rng.floats(xs.reduce(1, *)).map { $0 * 3 })
        let w = try Tensor(shape: ws, scalars: rng.floats(ws.reduce(1, *)))
        let b = try Tensor(shape: [40], scalars: rng.floats(40))
        let alpha = try Tensor(shape: [40], scalars: rng.floats(40))
        func layer(_ input: Tensor) throws -> Tensor {
            try activationNamed(activation, try biasAdd(try conv2d(input, w, padding: .same), b), alpha: alpha)
        }
        let graph = Graph()
        let (images, output) = try graph.asDefault {
            let images = try placeholder(shape: [nil, xs[1], xs[2], 5], name: "images")
            return (images, try layer(images))
        }
        _ = images
        let session = try Session(graph: graph)
        let summary = try session.planSummary([output], feedShapes: ["images": xs])
        #expect(summary.steps == [["Conv2D", "BiasAdd", activation]])
        var paths: [(String, () throws -> Void)] = []
        // Winograd once per 5 × 5 tile, on the same Session: the operator it kept under one tile
        // must not serve the other (their sums round differently).
        for algorithm in Conv2DAlgorithm.allCases {
            for tile in algorithm == .winograd ? [3, 2] : [nil] {
                for isa in KernelISA.allCases where isa.isSupported {
                    for streaming in [false, true] {
                        let path = "\(activation), \(algorithm) tile \(tile.map(String.init) ?? "-") \(isa) streaming \(streaming)"
                        paths.append((path, {
                            try Conv2DAlgorithm.withPinned(algorithm) {
                                try KernelISA.withPinned(isa) {
                                    try Winograd5x5.$pinnedTile.withValue(tile) {
                                        try IndirectGEMM.$pinnedStreaming.withValue(streaming) {
                                            let eager = try Graph().asDefault { try layer(x) }
                                            let planned = try session.run(output, feeds: ["images": x])
                                            #expect(planned == eager, "\(path)")
                                            #expect(planned.scalars.contains { $0 < 0 }
                                                == (activation != "Relu" && activation != "Relu6"))
                                        }
                                    }
                                }
                            }
                        }))
                    }
                }
            }
        }
        for (_, path) in paths { try path() }
    }
}

/// PReLU written out of TensorFlow's ops, as Keras's `PReLU` layer and hand-written TF1 code
/// compose it, runs as one fused step in a Session, with the composition's numbers.
@Suite struct ComposedPReLUTests {
    @Test(arguments: ["keras", "subtract"])
    func composedPReLUIsFusedIntoTheConvolution(_ form: String) throws {
        var rng = TestRandom(12)
        let xs = [2, 9, 7, 3], ws = [3, 3, 3, 24]
        let x = try Tensor(shape: xs, scalars: rng.floats(xs.reduce(1, *)).map { $0 * 3 })
        let graph = Graph()
        func layer(_ input: Tensor) throws -> Tensor {
            let w = try getVariable("w", shape: ws, initializer: .glorotUniform(seed: 1))
            let b = try getVariable("b", shape: [24], initializer: .constant(0.1))
            let alpha = try getVariable("alpha", shape: [24], initializer: .randomNormal(stddev: 0.3, seed: 2))
            let z = try biasAdd(try conv2d(input, w, padding: .same), b)
            return try nameScope("p_re_lu") {
                form == "keras"
                    ? try relu(z) + (try -alpha * relu(-z))  // Keras: pos + (-alpha * relu(-x))
                    : try relu(z) - (try alpha * relu(-z))
            }
        }
        let (images, output) = try graph.asDefault {
            let images = try placeholder(shape: [nil, 9, 7, 3], name: "images")
            return (images, try layer(images))
        }
        _ = images
        let session = try Session(graph: graph)
        let summary = try session.planSummary([output], feedShapes: ["images": xs])
        #expect(summary.steps.count == 1, "\(summary.steps) \(graph.operations.map { "\($0.name) \($0.type) \($0.inputs)" })")
        #expect(summary.steps.first?.first == "Conv2D" && summary.steps.first?.count == (form == "keras" ? 8 : 7))
        let planned = try session.run(output, feeds: ["images": x])
        // The same graph run eagerly, op by op, on the same variables.
        let eagerGraph = Graph()
        let eager = try eagerGraph.asDefault { try layer(x) }
        #expect(planned == eager)
        #expect(planned.scalars.contains { $0 < 0 } && planned.scalars.contains { $0 > 0 })
    }
}
