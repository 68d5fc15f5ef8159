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
}
