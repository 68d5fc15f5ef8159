import Foundation
import Testing
import TensorScope
import TensorScopeModels

/// The TF1 CIFAR-10 tutorial model and the MobileNet-/ResNet-style blocks of TensorScopeModels
/// against the TF1 programs of scripts/generate_classic_models.py: the same variable names and
/// shapes in the same order, restored from those programs' Saver checkpoints, TensorFlow's
/// outputs within 1e-4 through a Session, and the eager ops' numbers bit for bit.
@Suite struct ClassicModelsTests {
    static let folder = Paths.fixture("classic_models")

    /// The checkpoint's variables as TensorFlow listed them: name and shape, in creation order.
    static func tensorFlowVariables(_ model: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/variables.json")))
        return ((json as! [String: Any])[model] as! [[Any]]).map { "\($0[0] as! String) \($0[1] as! [Int])" }
    }

    @Test func cifar10InferenceMatchesTheTutorialInTensorFlow() throws {
        let expected = try SafeTensors.read(Self.folder + "/expected.safetensors")
        let images = try #require(expected["cifar10_images"])
        let graph = Graph()
        let (logits, eager) = try graph.asDefault {
            let x = try placeholder(shape: [nil, 24, 24, 3], name: "images")
            let logits = try CIFAR10.inference(x)
            try Graph.current.restoreVariables(fromTensorFlowCheckpoint: Self.folder + "/cifar10.ckpt")
            // The same model again on values, in a reused scope, for the eager numbers.
            let eager = try variableScope("", reuse: .reuse) { _ in try CIFAR10.inference(images) }
            return (logits, eager)
        }
        #expect(graph.globalVariables.map { "\($0.name) \($0.shape)" } == (try Self.tensorFlowVariables("cifar10")))
        let got = try Session(graph: graph).run(logits, feeds: ["images": images])
        #expect(got.shape == [4, 10])
        expectClose(got.scalars, expected["cifar10_logits"]!.scalars, relative: 1e-4, "cifar10 logits")
        #expect(got.scalars == eager.scalars, "Session = eager, bit for bit")
        let ops = Dictionary(graph.operations.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        for (name, type) in [("conv1/conv1", "Relu"), ("pool1", "MaxPool"), ("norm1", "LRN"), ("conv2/conv2", "Relu"),
                             ("norm2", "LRN"), ("pool2", "MaxPool"), ("local3/local3", "Relu"), ("local4/local4", "Relu"),
                             ("softmax_linear/softmax_linear", "AddV2")] {
            #expect(ops[name] == type, "\(name)")
        }
    }

    @Test func blocksBuiltWithLayersRestoreFromASaverCheckpoint() throws {
        let expected = try SafeTensors.read(Self.folder + "/expected.safetensors")
        let input = try #require(expected["block_input"])
        let graph = Graph()
        let (mobile, res) = try graph.asDefault {
            let x = try placeholder(shape: [nil, 16, 16, 32], name: "input")
            return (try Blocks.mobileNet(x), try Blocks.resNet(x))
        }
        #expect(graph.globalVariables.map { "\($0.name) \($0.shape)" } == (try Self.tensorFlowVariables("blocks")))
        #expect(graph.trainableVariables.filter { $0.name.contains("moving_") }.isEmpty)
        try graph.restoreVariables(fromTensorFlowCheckpoint: Self.folder + "/blocks.ckpt")
        let session = try Session(graph: graph)
        let outputs = try session.run([mobile, res], feeds: ["input": input])
        expectClose(outputs[0].scalars, expected["mobilenet_output"]!.scalars, relative: 1e-4, "MobileNet block")
        expectClose(outputs[1].scalars, expected["resnet_output"]!.scalars, relative: 1e-4, "ResNet block")
        // Every batch norm is folded into the convolution before it, the activation fused too.
        let steps = try session.planSummary([mobile, res], feedShapes: ["input": [2, 16, 16, 32]]).steps
        let types = steps.map { names in names.map { name in graph.operations.first { $0.name == name }!.type } }
        for fused in [["DepthwiseConv2dNative", "FusedBatchNormV3", "Relu6"], ["Conv2D", "FusedBatchNormV3", "Relu6"],
                      ["Pad", "Conv2D", "FusedBatchNormV3", "Relu"], ["Conv2D", "FusedBatchNormV3"]] {
            #expect(types.contains(fused), "\(fused) in \(types)")
        }
        #expect(!types.contains(["FusedBatchNormV3"]) && !types.contains(["Pad"]), "\(types)")
        // The folds read the variables when a run starts: new statistics are seen, and give
        // the ops' own (unfolded, eager) numbers within rounding.
        let variance = try #require(graph.globalVariables.first { $0.name == "mobilenet_block/batch_normalization_1/moving_variance" })
        try variance.assign(Tensor(variance.value.scalars.map { $0 * 4 }))
        let after = try session.run(mobile, feeds: ["input": input])
        #expect(after.scalars != outputs[0].scalars)
        let eager = try graph.asDefault {
            try variableScope("", reuse: .reuse) { _ in try Blocks.mobileNet(input) }
        }
        expectClose(after.scalars, eager.scalars, relative: 1e-5, "folded vs eager after a change")
        // The ops TensorFlow records for them, under its names.
        let recorded = Set(graph.operations.map(\.type))
        #expect(recorded.isSuperset(of: ["DepthwiseConv2dNative", "FusedBatchNormV3", "Relu6", "Conv2D", "Pad", "AddV2", "Relu"]))
        #expect(graph.operations.contains { $0.name == "resnet_block/batch_normalization_1/FusedBatchNormV3" })
    }

    /// A zero pad of height and width before a VALID convolution is taken into it only when it
    /// is the padding SAME gives (ResNet's pattern); any other stays a step of its own. The
    /// numbers are the eager ops' either way.
    @Test func aPadIsTakenIntoTheConvolutionOnlyWhenItIsSAMEs() throws {
        var rng = TestRandom(44)
        let images = try Tensor(shape: [2, 7, 6, 3], scalars: rng.floats(2 * 7 * 6 * 3))
        let filter = try Tensor(shape: [3, 3, 3, 4], scalars: rng.floats(3 * 3 * 3 * 4))
        let cases: [(paddings: [[Int]], strides: Int, folded: Bool)] = [
            ([[0, 0], [1, 1], [1, 1], [0, 0]], 1, true),   // SAME for 3×3 stride 1
            ([[0, 0], [0, 1], [0, 1], [0, 0]], 2, false),  // SAME for stride 2 puts the odd pixel after, but 7 needs 1 + 1
            ([[0, 0], [2, 0], [1, 1], [0, 0]], 1, false),  // not SAME's
            ([[1, 0], [1, 1], [1, 1], [0, 0]], 1, false),  // pads the batch
        ]
        for (paddings, strides, folded) in cases {
            let graph = Graph()
            let (output, eager) = try graph.asDefault {
                let x = try placeholder(shape: [nil, 7, 6, 3], name: "x")
                let y = relu(try conv2d(try pad(x, paddings: paddings), filter, strides: [strides], padding: .valid))
                return (y, relu(try conv2d(try pad(images, paddings: paddings), filter, strides: [strides], padding: .valid)))
            }
            let session = try Session(graph: graph)
            let got = try session.run(output, feeds: ["x": images])
            #expect(got.shape == eager.shape)
            expectClose(got.scalars, eager.scalars, relative: 1e-6, "\(paddings)")
            let steps = try session.planSummary([output], feedShapes: ["x": images.shape]).steps
            #expect((steps.count == 1) == folded, "\(paddings): \(steps)")
        }
    }

    /// tf.nn.batch_normalization after a convolution is folded into it: with statistics of
    /// values (its `x · inv` and `+ shift` left for the plan, the rest computed eagerly) and
    /// with statistics of variables (all seven ops in the plan, recognised as one batch norm).
    /// After anything else its ops run as recorded, equal to the eager ops bit for bit.
    @Test func batchNormalizationAfterAConvolutionIsFolded() throws {
        var rng = TestRandom(45)
        let images = try Tensor(shape: [2, 6, 6, 3], scalars: rng.floats(2 * 6 * 6 * 3))
        let filter = try Tensor(shape: [3, 3, 3, 5], scalars: rng.floats(3 * 3 * 3 * 5))
        let (mean, offset, scale) = (rng.floats(5), rng.floats(5), rng.floats(5))
        let variance = rng.floats(5).map { abs($0) + 0.3 }, poolMean = Tensor(rng.floats(3))
        let graph = Graph()
        let (values, variables, afterPool, eager) = try graph.asDefault {
            let stored = try [("mean", mean), ("variance", variance), ("offset", offset), ("scale", scale)].map {
                try getVariable($0.0, shape: [5], initializer: .constant($0.1))
            }
            func model(_ input: Tensor, _ s: [any TensorConvertible]) throws -> Tensor {
                relu(try batchNormalization(try conv2d(input, filter, padding: .same), mean: s[0], variance: s[1], offset: s[2],
                                            scale: s[3], varianceEpsilon: 0.001))
            }
            func pooled(_ input: Tensor) throws -> Tensor {
                try batchNormalization(try maxPool(input, ksize: [2], strides: [2], padding: .same), mean: poolMean,
                                       variance: Tensor([1, 2, 3]), offset: Tensor(zeros: [3]), scale: Tensor([1, 1, 1]),
                                       varianceEpsilon: 0.01)
            }
            let constants: [any TensorConvertible] = [Tensor(mean), Tensor(variance), Tensor(offset), Tensor(scale)]
            let x = try placeholder(shape: [nil, 6, 6, 3], name: "x")
            return (try model(x, constants), try model(x, stored), try pooled(x), (try model(images, constants), try pooled(images)))
        }
        let session = try Session(graph: graph)
        let outputs = try session.run([values, variables, afterPool], feeds: ["x": images])
        expectClose(outputs[0].scalars, eager.0.scalars, relative: 1e-5, "folded, statistics of values")
        expectClose(outputs[1].scalars, eager.0.scalars, relative: 1e-5, "folded, statistics of variables")
        #expect(outputs[2].scalars == eager.1.scalars, "not after a convolution: as recorded, bit for bit")
        func types(_ fetch: Tensor) throws -> [[String]] {
            try session.planSummary([fetch], feedShapes: ["x": images.shape]).steps.map { names in
                names.map { name in graph.operations.first { $0.name == name }!.type }
            }
        }
        let (valueTypes, variableTypes, poolTypes) = (try types(values), try types(variables), try types(afterPool))
        #expect(valueTypes == [["Conv2D", "Mul", "AddV2", "Relu"]], "\(valueTypes)")
        #expect(variableTypes == [["Conv2D", "AddV2", "Rsqrt", "Mul", "Mul", "Mul", "Sub", "AddV2", "Relu"]], "\(variableTypes)")
        #expect(poolTypes == [["MaxPool"], ["Mul", "AddV2"]], "\(poolTypes)")
        // The statistics are read when the Session runs: a new variance is seen, through the
        // eager ops on the variables (variance + ε, Rsqrt, …) that the Session runs again.
        let varianceVariable = try #require(graph.globalVariables.first { $0.name == "variance" })
        try varianceVariable.assign(Tensor(variance.map { $0 * 9 }))
        let changed = try session.run(variables, feeds: ["x": images])
        let expected = try Graph().asDefault {
            relu(try batchNormalization(try conv2d(images, filter, padding: .same), mean: Tensor(mean),
                                        variance: Tensor(variance.map { $0 * 9 }), offset: Tensor(offset), scale: Tensor(scale),
                                        varianceEpsilon: 0.001))
        }
        expectClose(changed.scalars, expected.scalars, relative: 1e-5, "after the variance changed")
    }
}
