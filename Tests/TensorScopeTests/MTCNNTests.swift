import Foundation
import Testing
import TensorScope
import TensorScopeModels

/// A real pretrained network brought from TensorFlow both ways: MTCNN's three nets (weights from
/// the `mtcnn` package, converted by scripts/convert_mtcnn.py) written in Swift and restored
/// from a TF1 checkpoint, and imported from the frozen Keras graphs; both run through a Session
/// on crops of the bundled photos and give the Keras models' outputs.
@Suite struct MTCNNTests {
    static let folder = Paths.fixture("mtcnn")
    static let expected: [String: Tensor] = try! SafeTensors.read(folder + "/expected.safetensors")

    @Test func handWrittenNetsFromTheCheckpointGiveKerasOutputs() throws {
        let graph = Graph()
        let (p, r, o) = try graph.asDefault {
            (try MTCNN.pnet(try placeholder(shape: [nil, nil, nil, 3], name: "pnet_input")),
             try MTCNN.rnet(try placeholder(shape: [nil, 24, 24, 3], name: "rnet_input")),
             try MTCNN.onet(try placeholder(shape: [nil, 48, 48, 3], name: "onet_input")))
        }
        // Strict: every variable of the three nets, and nothing else, is in the checkpoint.
        try graph.restoreVariables(fromTensorFlowCheckpoint: Self.folder + "/mtcnn.ckpt")
        #expect(graph.globalVariables.count == 8 * 2 - 3 + 10 * 2 - 4 + 13 * 2 - 5)
        let session = try Session(graph: graph)
        let feeds = ["pnet_input", "rnet_input", "onet_input"].reduce(into: [String: Tensor]()) { $0[$1] = Self.expected[$1]! }
        let outputs = try session.run([p.bbox, p.probability, r.bbox, r.probability, o.bbox, o.landmarks, o.probability], feeds: feeds)
        let names = ["pnet_bbox", "pnet_prob", "rnet_bbox", "rnet_prob", "onet_bbox", "onet_landmarks", "onet_prob"]
        for (name, output) in zip(names, outputs) {
            #expect(output.shape == Self.expected[name]!.shape, "\(name)")
            expectClose(output.scalars, Self.expected[name]!.scalars, relative: 1e-4, name)
        }
        // What the detector sees: the two faces and none of the four other crops.
        let faces = outputs[6].scalars.enumerated().filter { $0.offset % 2 == 1 }.map { $0.element > 0.9 }
        #expect(faces == [true, true, false, false, false, false], "\(outputs[6].scalars)")
    }

    @Test(arguments: [("pnet", ["bbox", "prob"]), ("rnet", ["bbox", "prob"]), ("onet", ["bbox", "landmarks", "prob"])])
    func importedFrozenGraphsGiveKerasOutputsAndTheHandWrittenPlan(_ net: String, _ names: [String]) throws {
        let graph = try Graph(importingGraphDef: URL(fileURLWithPath: Self.folder + "/\(net).pb"))
        let fetches = try names.indices.map { try graph.tensor(named: $0 == 0 ? "Identity" : "Identity_\($0)") }
        let input = Self.expected["\(net)_input"]!
        let session = try Session(graph: graph)
        let outputs = try session.run(fetches, feeds: ["input": input])
        for (name, output) in zip(names, outputs) {
            expectClose(output.scalars, Self.expected["\(net)_\(name)"]!.scalars, relative: 1e-4, "\(net) \(name)")
        }
        // Keras's graph plans to as many steps as the Swift program: PReLU written out of five
        // ops recognised, fused with the bias into each convolution and matrix product.
        let written = Graph()
        try written.setInitialValues(fromTensorFlowCheckpoint: Self.folder + "/mtcnn.ckpt", assignmentMap: ["\(net)/": "\(net)/"])
        let writtenOutputs: [Tensor] = try written.asDefault {
            let x = try placeholder(shape: [nil, nil, nil, 3].enumerated().map { $0.offset == 0 ? nil : input.shape[$0.offset] }, name: "input")
            switch net {
            case "pnet": let o = try MTCNN.pnet(x); return [o.bbox, o.probability]
            case "rnet": let o = try MTCNN.rnet(x); return [o.bbox, o.probability]
            default: let o = try MTCNN.onet(x); return [o.bbox, o.landmarks, o.probability]
            }
        }
        let writtenSession = try Session(graph: written)
        let imported = try session.planSummary(fetches, feedShapes: ["input": input.shape])
        let handWritten = try writtenSession.planSummary(writtenOutputs, feedShapes: ["input": input.shape])
        #expect(imported.steps.count == handWritten.steps.count, "\(imported.steps)\n\(handWritten.steps)")
        // And the same numbers: the same kernels in the same order.
        #expect(try writtenSession.run(writtenOutputs, feeds: ["input": input]) == outputs)
    }
}
