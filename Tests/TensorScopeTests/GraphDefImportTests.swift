import Foundation
import Testing
import TensorScope
import TensorScopeModels
@testable import TensorScopeTensorFlow

/// Frozen graphs in: the digits CNN frozen by TensorFlow (scripts/train_digits.py) imported and
/// run through a Session against TensorFlow's logits and against the hand-written Swift model;
/// GraphDefs made in the test for each fault the importer must name.
@Suite struct GraphDefImportTests {
    static let digits = Paths.fixture("digits")

    @Test func frozenDigitsGraphGivesTensorFlowsLogits() throws {
        let graph = try Graph(importingGraphDef: URL(fileURLWithPath: Self.digits + "/frozen.pb"))
        let test = try SafeTensors.read(Self.digits + "/test.safetensors")
        // Every node an op under its own name, in an order where inputs come first.
        let file = try Tensorflow_GraphDef(serializedBytes: Data(contentsOf: URL(fileURLWithPath: Self.digits + "/frozen.pb")))
        #expect(Set(graph.operations.map(\.name)) == Set(file.node.map(\.name)))
        let images = try graph.tensor(named: "images:0")
        #expect(images.isSymbolic && images.shape == [-1, 8, 8, 1])
        let logits = try graph.tensor(named: "logits:0"), probabilities = try graph.tensor(named: "probabilities")
        #expect(logits.shape == [-1, 10])
        let session = try Session(graph: graph)
        let out = try session.run([logits, probabilities], feeds: ["images": test["images"]!])
        expectClose(out[0].scalars, test["logits"]!.scalars, relative: 1e-4, "logits")
        expectClose(out[1].scalars, test["probabilities"]!.scalars, relative: 1e-4, "probabilities")

        // The hand-written model from the training checkpoint: the same plan, the same numbers.
        let written = Graph()
        let writtenLogits = try written.asDefault { try digitsCNN(try placeholder(shape: [nil, 8, 8, 1], name: "images")) }
        try written.restoreVariables(fromTensorFlowCheckpoint: Self.digits + "/model.ckpt")
        let writtenSession = try Session(graph: written)
        #expect(try writtenSession.run(writtenLogits, feeds: ["images": test["images"]!]) == out[0])
        let feedShapes = ["images": [360, 8, 8, 1]]
        let imported = try session.planSummary([logits], feedShapes: feedShapes)
        let handWritten = try writtenSession.planSummary([writtenLogits], feedShapes: feedShapes)
        #expect(imported.steps == handWritten.steps, "\(imported.steps)")
    }

    /// Keras's BatchNormalization in a frozen graph (scripts/generate_graphdef_fixtures.py): each
    /// FusedBatchNormV3 folded into the convolution before it — with the bias between — so each
    /// convolution, its normalisation and its activation (and the max pool after the second)
    /// are one step; Keras's output within 1e-4.
    @Test func kerasBatchNormIsFoldedIntoTheConvolution() throws {
        let graph = try Graph(importingGraphDef: URL(fileURLWithPath: Paths.fixture("graphdef/keras_bn.pb")))
        let data = try SafeTensors.read(Paths.fixture("graphdef/keras_bn.safetensors"))
        let output = try graph.tensor(named: "Identity")
        let session = try Session(graph: graph)
        let got = try session.run(output, feeds: ["input": data["input"]!])
        expectClose(got.scalars, data["output"]!.scalars, relative: 1e-4, "keras_bn")
        let steps = try session.planSummary([output], feedShapes: ["input": [2, 10, 10, 3]]).steps
        let types = steps.map { names in names.map { name in graph.operations.first { $0.name == name }!.type } }
        #expect(types.filter { $0.first == "Conv2D" } == [
            ["Conv2D", "FusedBatchNormV3", "Relu"], ["Conv2D", "BiasAdd", "FusedBatchNormV3", "Relu6", "MaxPool"],
        ], "\(types)")
        // Unfolded, as the eager ops compute it from the graph's constants: the same numbers
        // within rounding (folding reorders the products).
        func inputs(_ node: String) throws -> [Tensor] {
            let op = try #require(graph.operations.first { $0.name == node })
            return try op.inputs.dropFirst().map { try session.run(try graph.tensor(named: $0), feeds: [:]) }
        }
        let conv1 = try inputs("sequential/conv1/Conv2D")[0], bn1 = try inputs("sequential/bn1/FusedBatchNormV3")
        let conv2 = try inputs("sequential/conv2/Conv2D")[0], bias2 = try inputs("sequential/conv2/BiasAdd")[0]
        let bn2 = try inputs("sequential/bn2/FusedBatchNormV3")
        let unfolded = try Graph().asDefault {
            var h = try conv2d(data["input"]!, conv1, strides: [1, 1, 1, 1], padding: .valid)
            h = relu(try fusedBatchNorm(h, scale: bn1[0], offset: bn1[1], mean: bn1[2], variance: bn1[3], epsilon: 0.001))
            h = try biasAdd(try conv2d(h, conv2, strides: [1, 1, 1, 1], padding: .valid), bias2)
            h = relu6(try fusedBatchNorm(h, scale: bn2[0], offset: bn2[1], mean: bn2[2], variance: bn2[3], epsilon: 1e-5))
            return try maxPool(h, ksize: [2], strides: [2], padding: .valid)
        }
        expectClose(got.scalars, unfolded.scalars, relative: 1e-5, "folded vs unfolded")
    }

    /// A frozen TF1 graph through the classic ops (scripts/generate_graphdef_fixtures.py):
    /// MirrorPad, LRN, ResizeBilinear, PadV2, ResizeNearestNeighbor, tf.nn.batch_normalization's
    /// ops, DepthwiseConv2dNative, Pad, Mean — imported under their types, TensorFlow's output
    /// within 1e-4 through a Session, and the same numbers as the ops run eagerly from the record.
    @Test func classicOpsImportAndRunAsTensorFlowRunsThem() throws {
        let graph = try Graph(importingGraphDef: URL(fileURLWithPath: Paths.fixture("graphdef/classic_ops.pb")))
        let data = try SafeTensors.read(Paths.fixture("graphdef/classic_ops.safetensors"))
        let types = Set(graph.operations.map(\.type))
        #expect(types.isSuperset(of: ["MirrorPad", "LRN", "ResizeBilinear", "PadV2", "ResizeNearestNeighbor", "Rsqrt",
                                      "DepthwiseConv2dNative", "Pad", "Mean"]), "\(types)")
        let output = try graph.tensor(named: "output")
        let got = try Session(graph: graph).run(output, feeds: ["input": data["input"]!])
        #expect(got.shape == data["output"]!.shape)
        expectClose(got.scalars, data["output"]!.scalars, relative: 1e-4, "classic_ops")
    }

    /// A TF1 program's whole graph before freezing (scripts/generate_graphdef_fixtures.py): its
    /// variables (a ref VariableV2 read through `…/read`, resource VarHandleOps read by
    /// ReadVariableOps) become the graph's variables under their node names; the initializers,
    /// Assigns, `init` and the Saver's nodes are left out; restored from the program's checkpoint,
    /// the graph gives TensorFlow's logits.
    @Test func aGraphWithVariablesImportsAndRestoresFromItsCheckpoint() throws {
        let folder = Paths.fixture("graphdef")
        let graph = try Graph(importingGraphDef: URL(fileURLWithPath: folder + "/tf1_variables.pb"))
        #expect(graph.globalVariables.map(\.name).sorted() == ["conv1/biases", "conv1/weights", "fc/biases", "fc/weights"])
        #expect(graph.trainableVariables.allSatisfy { $0.value.scalars.allSatisfy { $0 == 0 } })
        let types = Set(graph.operations.map(\.type))
        #expect(types.isDisjoint(with: ["Assign", "AssignVariableOp", "SaveV2", "RestoreV2", "RandomUniform", "NoOp"]), "\(types)")
        try graph.restoreVariables(fromTensorFlowCheckpoint: folder + "/tf1_variables/model.ckpt")
        let data = try SafeTensors.read(folder + "/tf1_variables.safetensors")
        let logits = try Session(graph: graph).run(try graph.tensor(named: "logits:0"), feeds: ["input": data["input"]!])
        expectClose(logits.scalars, data["logits"]!.scalars, relative: 1e-4, "logits")
        // The variables are read when the Session runs: a second restore is seen.
        try graph.restoreVariables(fromTensorFlowCheckpoint: folder + "/tf1_variables/model.ckpt")
    }

    // MARK: - Faults, in GraphDefs made here

    static func node(_ name: String, _ op: String, _ inputs: [String] = [], _ attributes: [String: Tensorflow_AttrValue] = [:]) -> Tensorflow_NodeDef {
        .with {
            $0.name = name
            $0.op = op
            $0.input = inputs
            $0.attr = attributes
        }
    }

    static func floatPlaceholder(_ name: String, _ dims: [Int64]) -> Tensorflow_NodeDef {
        node(name, "Placeholder", [], [
            "dtype": .with { $0.type = .dtFloat },
            "shape": .with { $0.shape = .with { $0.dim = dims.map { d in .with { $0.size = d } } } },
        ])
    }

    static func constant(_ name: String, _ values: [Float], shape: [Int64], dtype: Tensorflow_DataType = .dtFloat) -> Tensorflow_NodeDef {
        node(name, "Const", [], [
            "dtype": .with { $0.type = dtype },
            "value": .with { $0.tensor = .with {
                $0.dtype = dtype
                $0.tensorShape = .with { $0.dim = shape.map { d in .with { $0.size = d } } }
                if dtype == .dtInt32 { $0.intVal = values.map { Int32($0) } } else { $0.floatVal = values }
            } },
        ])
    }

    static func string(_ text: String) -> Tensorflow_AttrValue { .with { $0.s = Data(text.utf8) } }

    /// Writes `nodes` as a GraphDef and imports it; returns the error's text ("" if none).
    func importError(_ nodes: [Tensorflow_NodeDef], bytes: Data? = nil) throws -> String {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("graph.pb")
        try (bytes ?? Tensorflow_GraphDef.with { $0.node = nodes }.serializedData()).write(to: url)
        do {
            _ = try Graph(importingGraphDef: url)
            return ""
        } catch let error as TensorScopeError {
            #expect(error.description.hasPrefix(url.path + ": "), "names the file: \(error)")
            return String(error.description.dropFirst(url.path.count + 2))
        }
    }

    @Test func unsupportedOpTypesAreListedAllAtOnceWithTheirNodes() throws {
        let text = try importError([
            Self.floatPlaceholder("x", [-1, 4, 4, 2]),
            Self.node("flatten/Shape", "Shape", ["x"]),
            Self.node("flatten/strided_slice", "StridedSlice", ["flatten/Shape"]),
            Self.node("relu", "Relu", ["x"]),
            Self.node("flatten/strided_slice_1", "StridedSlice", ["flatten/Shape"]),
            Self.node("crop", "CropAndResize", ["relu"]),
        ])
        #expect(text == "3 op types TensorScope does not run: CropAndResize (crop); Shape (flatten/Shape); "
                + "StridedSlice (flatten/strided_slice, flatten/strided_slice_1)", "\(text)")
    }

    @Test func eachOtherFaultIsNamed() throws {
        let x = Self.floatPlaceholder("x", [1, 4, 4, 2])
        let w = Self.constant("w", [1], shape: [1, 1, 2, 3])  // one value, filled as TensorFlow fills
        let cases: [(String, [Tensorflow_NodeDef], String)] = [
            ("NCHW", [x, w, Self.node("conv", "Conv2D", ["x", "w"], [
                "data_format": Self.string("NCHW"), "padding": Self.string("SAME"),
                "strides": .with { $0.list = .with { $0.i = [1, 1, 1, 1] } }])],
             "node 'conv' (Conv2D): data_format NCHW; TensorScope takes NHWC"),
            ("explicit padding", [x, w, Self.node("conv", "Conv2D", ["x", "w"], [
                "padding": Self.string("EXPLICIT"), "strides": .with { $0.list = .with { $0.i = [1, 1, 1, 1] } }])],
             "node 'conv' (Conv2D): padding EXPLICIT; TensorScope takes SAME and VALID"),
            ("int placeholder", [Self.node("labels", "Placeholder", [], ["dtype": .with { $0.type = .dtInt64 },
                                                                         "shape": .with { $0.shape = .with { $0.dim = [.with { $0.size = 4 }] } }])],
             "placeholder 'labels' is int64; TensorScope feeds float32"),
            ("unknown rank", [Self.node("any", "Placeholder", [], ["dtype": .with { $0.type = .dtFloat },
                                                                   "shape": .with { $0.shape = .with { $0.unknownRank = true } }])],
             "placeholder 'any' has no shape of known rank"),
            ("dangling", [x, Self.node("relu", "Relu", ["y:0"])], "node 'relu': input 'y:0' names no node of the file"),
            ("duplicate", [x, Self.node("x", "Relu", ["x"])], "two nodes named 'x'"),
            ("cycle", [Self.node("a", "Relu", ["b"]), Self.node("b", "Relu", ["a"])], "the nodes form a cycle (through 'a', 'b')"),
            ("double T", [x, Self.node("relu", "Relu", ["x"], ["T": .with { $0.type = .dtDouble }])],
             "node 'relu' (Relu): T is float64; TensorScope computes float32"),
            ("huge fill", [Self.constant("big", [1], shape: [1 << 20, 1 << 20])],
             "node 'big' (Const): 1099511627776 elements filled from 1 values, more than the 67108864 TensorScope fills"),
            ("content size", [Self.node("c", "Const", [], ["value": .with { $0.tensor = .with {
                $0.dtype = .dtFloat
                $0.tensorShape = .with { $0.dim = [.with { $0.size = 3 }] }
                $0.tensorContent = Data([0, 0, 128, 63])
            } }])], "node 'c' (Const): 4 bytes of content for float32 of shape [3]"),
            ("string const", [Self.node("s", "Const", [], ["value": .with { $0.tensor = .with { $0.dtype = .dtString } }])],
             "node 's' (Const): a constant of string"),
            ("float shape", [x, Self.constant("shape", [16, 2], shape: [2]), Self.node("r", "Reshape", ["x", "shape"])],
             "node 'r' (Reshape): input 1 ('shape') must be an int32 or int64 Const"),
            ("bad reshape", [x, Self.constant("shape", [5, 7], shape: [2], dtype: .dtInt32), Self.node("r", "Reshape", ["x", "shape"])],
             "node 'r' (Reshape): reshape: expected a shape with 32 elements"),
            ("huge variable", [Self.node("v", "VariableV2", [], [
                "dtype": .with { $0.type = .dtFloat },
                "shape": .with { $0.shape = .with { $0.dim = [.with { $0.size = 1 << 20 }, .with { $0.size = 1 << 20 }] } }]),
                               Self.node("r", "Identity", ["v"])],
             "variable 'v' of shape [1048576, 1048576] takes the graph's variables past the 268435456 elements TensorScope imports"),
            ("int variable", [Self.node("v", "VarHandleOp", [], [
                "dtype": .with { $0.type = .dtInt32 }, "shape": .with { $0.shape = .with { $0.dim = [.with { $0.size = 2 }] } }]),
                              Self.node("r", "ReadVariableOp", ["v"])],
             "variable 'v' is int32; TensorScope's variables are float32"),
            // Found by the graphdef fuzz target: a binary op with one input was read past its end.
            ("one input to Sub", [x, Self.node("sub", "Sub", ["x"])], "node 'sub' (Sub): Sub: expected 2 inputs, got 1"),
            ("PadV2 without its fill", [x, Self.constant("p", [0, 0, 1, 1, 1, 1, 0, 0], shape: [4, 2], dtype: .dtInt32),
                                        Self.node("pad", "PadV2", ["x", "p"])],
             "node 'pad' (PadV2): PadV2: expected 3 inputs, got 2"),
            ("ConcatV2 with only its axis", [Self.constant("axis", [0], shape: [], dtype: .dtInt32), Self.node("c", "ConcatV2", ["axis"])],
             "node 'c' (ConcatV2): ConcatV2: expected at least 2 inputs, got 1"),
        ]
        for (name, nodes, words) in cases {
            let text = try importError(nodes)
            #expect(text.contains(words), "\(name): \(text)")
        }
        #expect(try importError([], bytes: Data("not a graph, just words".utf8)).hasPrefix("not a binary GraphDef"))
        // Nothing wrong: the filled constant holds its one value everywhere.
        #expect(try importError([x, w]) == "")
    }

    /// The graphdef fuzz target's seeds (scripts/generate_fuzz_seeds.py, written by TensorFlow)
    /// import and run: the fuzzer starts from graphs that reach planning.
    @Test(arguments: [("small-convnet", "x", [3, 6, 6, 2], "prob", [3, 3]), ("small-keras-ops", "x", [1, 5, 5, 3], "out", [1, 2, 2, 2]),
                      ("small-classic-ops", "x", [2, 4, 4, 3], "out", [2, 12])])
    func fuzzSeedsImportAndRun(_ seed: String, _ feed: String, _ shape: [Int], _ fetch: String, _ outShape: [Int]) throws {
        let graph = try Graph(importingGraphDef: Paths.root.appendingPathComponent("Fuzz/corpus/graphdef/\(seed).pb"))
        let input = try Initializer.randomNormal(seed: 3).tensor(shape: shape)
        let out = try Session(graph: graph).run(try graph.tensor(named: fetch), feeds: [feed: input])
        #expect(out.shape == outShape && out.scalars.allSatisfy(\.isFinite))
    }

    @Test func tensorNamedNamesWhatItCannotFind() throws {
        let graph = try Graph(importingGraphDef: URL(fileURLWithPath: Self.digits + "/frozen.pb"))
        for (name, words) in [("nope:0", "'nope:0', which no op of the graph has"), ("logits:3", "an output of 'logits' (it has 1)")] {
            let error = #expect(throws: TensorScopeError.self) { try graph.tensor(named: name) }
            #expect(error?.description.contains(words) == true, "\(error?.description ?? "")")
        }
        // A Const is its value; it can be fetched, and built on.
        let weights = try graph.tensor(named: "conv1/weights")
        #expect(!weights.isSymbolic && weights.shape == [3, 3, 1, 16])
        #expect(try Session(graph: graph).run(weights, feeds: [:]) == weights)
    }
}

/// Every op type the graph computes has its input count in `OpRegistry.inputCounts`, which the
/// importer checks before a definition reads its inputs by position.
@Suite struct OpInputCountTests {
    @Test func everyRegisteredTypeHasItsInputCount() {
        #expect(Set(OpRegistryAccess.inputCountTypes) == Set(OpRegistryAccess.definitionTypes))
    }
}
