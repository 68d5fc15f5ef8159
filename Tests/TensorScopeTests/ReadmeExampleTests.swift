import Foundation
import Testing
import TensorScope
import TensorScopeModels

/// The README's example, as written there (smaller images), so the documentation compiles.
@Suite struct ReadmeExampleTests {
    func convRelu(_ input: Tensor, kernelShape: [Int], biasShape: [Int]) throws -> Tensor {
        let weights = try getVariable("weights", shape: kernelShape, initializer: .randomNormal())
        let biases = try getVariable("biases", shape: biasShape, initializer: .constant(0))
        let conv = try conv2d(input, weights, strides: [1, 1, 1, 1], padding: .same)
        return relu(try conv + biases)
    }

    func myImageFilter(_ images: Tensor) throws -> Tensor {
        let relu1 = try variableScope("conv1") { _ in try convRelu(images, kernelShape: [5, 5, 32, 32], biasShape: [32]) }
        return try variableScope("conv2") { _ in try convRelu(relu1, kernelShape: [5, 5, 32, 32], biasShape: [32]) }
    }

    @Test func readmeExampleRunsAsDocumented() throws {
        let image1 = try Initializer.randomNormal(seed: 1).tensor(shape: [2, 8, 8, 32])
        let image2 = try Initializer.randomNormal(seed: 2).tensor(shape: [2, 8, 8, 32])
        var printed: [String] = []
        var names: [String] = []
        var shapes: [[Int]] = []
        try Graph().asDefault {
            try variableScope("image_filters") { scope in
                _ = try myImageFilter(image1)
                scope.reuseVariables()
                _ = try myImageFilter(image2)
            }
            trainableVariables().forEach { printed.append("\($0)") }
            names = Graph.current.operations.map(\.name)

            let varList = trainableVariables()
            let initOp = globalVariablesInitializer()
            let session = try Session(graph: Graph.current)
            try session.run(initOp)
            for variable in varList { shapes.append(try session.run(variable).shape) }
        }
        #expect(shapes == [[5, 5, 32, 32], [32], [5, 5, 32, 32], [32]])
        #expect(printed.count == 4)
        #expect(printed[0] == "<Variable 'image_filters/conv1/weights:0' shape=(5, 5, 32, 32) dtype=float32>")
        #expect(names.prefix(3) == ["image_filters/conv1/Conv2D", "image_filters/conv1/add", "image_filters/conv1/Relu"])
        #expect(names[6] == "image_filters/conv1_1/Conv2D")
    }

    /// The README's placeholder and Session example, as written there: the digits CNN's training
    /// checkpoint (Fixtures/digits/model.ckpt, from scripts/train_digits.py), a few batches.
    @Test func sessionExampleRunsAsDocumented() throws {
        let checkpoint = Paths.fixture("digits/model.ckpt")
        let weights = try TensorFlowCheckpoint(prefix: checkpoint).tensors(expecting: DigitsCNN.variableShapes)
        let batches = try (0..<3).map { try Initializer.randomNormal(seed: 40 + $0).tensor(shape: [4 + $0, 8, 8, 1]) }
        var outputs: [Tensor] = []

        let graph = Graph()
        let logits = try graph.asDefault {
            try digitsCNN(try placeholder(shape: [nil, 8, 8, 1], name: "images"))
        }
        try graph.restoreVariables(fromTensorFlowCheckpoint: checkpoint)
        let session = try Session(graph: graph)
        for batch in batches {
            let out = try session.run(logits, feeds: ["images": batch])
            outputs.append(out)
        }

        let eager = Graph()
        eager.setInitialValues(weights)
        for (batch, out) in zip(batches, outputs) {
            #expect(out.shape == [batch.shape[0], 10])
            #expect(out == (try eager.asDefault { try variableScope("", reuse: .autoReuse) { _ in try digitsCNN(batch) } }))
        }
    }

    /// The README's MTCNN example, both ways, as written there (paths into the fixtures).
    @Test func mtcnnExampleRunsAsDocumented() throws {
        let folder = Paths.fixture("mtcnn")
        let crops = try SafeTensors.read(folder + "/expected.safetensors")["onet_input"]!

        let graph = Graph()
        let onet = try graph.asDefault { try MTCNN.onet(try placeholder(shape: [nil, 48, 48, 3], name: "crops")) }
        _ = try graph.asDefault {
            (try MTCNN.pnet(try placeholder(shape: [nil, nil, nil, 3], name: "image")),
             try MTCNN.rnet(try placeholder(shape: [nil, 24, 24, 3], name: "crops24")))
        }
        try graph.restoreVariables(fromTensorFlowCheckpoint: folder + "/mtcnn.ckpt")   // (+ pnet, rnet)
        let probability = try Session(graph: graph).run(onet.probability, feeds: ["crops": crops])

        let frozen = try Graph(importingGraphDef: URL(fileURLWithPath: folder + "/onet.pb"))
        let same = try Session(graph: frozen).run(try frozen.tensor(named: "Identity_2"), feeds: ["input": crops])
        #expect(same == probability)
    }

    /// The README's `Layers` example, as written there, on 8 × 8 images.
    @Test func readmeLayersExampleNamesItsVariablesAsTensorFlow() throws {
        let images = Tensor(zeros: [2, 8, 8, 3])
        let graph = Graph()
        let logits = try graph.asDefault {
            try variableScope("net") { _ in
                var h = try Layers.conv2d(images, filters: 32, kernelSize: [3], padding: .same, activation: { relu($0) })
                h = try Layers.batchNormalization(h)
                h = try Layers.maxPooling2d(h, poolSize: [2], strides: [2])
                h = try Layers.dropout(try Layers.flatten(h))
                return try Layers.dense(h, units: 10)
            }
        }
        #expect(logits.shape == [2, 10])
        #expect(graph.globalVariables.map(\.name) == [
            "net/conv2d/kernel", "net/conv2d/bias", "net/batch_normalization/gamma", "net/batch_normalization/beta",
            "net/batch_normalization/moving_mean", "net/batch_normalization/moving_variance", "net/dense/kernel", "net/dense/bias",
        ])
    }

    /// docs/CIFAR10.md's Swift, line for line, is the code of TensorScopeModels' CIFAR10.
    @Test func cifar10DocumentShowsTheModelsCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/CIFAR10.md"), encoding: .utf8)
        let source = try String(contentsOf: root.appendingPathComponent("Sources/TensorScopeModels/CIFAR10.swift"), encoding: .utf8)
        let sourceLines = Set(source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        // Every Swift block after the first (the usage example) is the model's code.
        let blocks = document.components(separatedBy: "```swift\n").dropFirst(2).map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count == 5)
        for line in blocks.joined().split(separator: "\n") {
            #expect(sourceLines.contains(line.trimmingCharacters(in: .whitespaces)), "not in CIFAR10.swift: \(line)")
        }
    }
}
