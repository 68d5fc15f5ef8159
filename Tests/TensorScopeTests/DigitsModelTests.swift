import Foundation
import Testing
import TensorScope
import TensorScopeModels

/// The proof: a CNN trained in TensorFlow (scripts/train_digits.py) runs in TensorScope from its
/// checkpoint and gives TensorFlow's logits and exactly TensorFlow's accuracy on the held-out
/// digits.
@Suite struct DigitsModelTests {
    struct Manifest: Decodable {
        var test: Int
        var accuracy: Double
        var correct: Int
    }

    @Test func trainedNetworkMatchesTensorFlow() throws {
        let folder = Paths.fixture("digits")
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
        let test = try SafeTensors.read(folder + "/test.safetensors")
        let images = try #require(test["images"]), tfLogits = try #require(test["logits"])
        let labels = try #require(test["labels"]).scalars.map { Int($0) }
        #expect(images.shape == [manifest.test, 8, 8, 1])

        let graph = Graph()
        graph.setInitialValues(try SafeTensors.read(folder + "/weights.safetensors", expecting: DigitsCNN.variableShapes))
        let (logits, probabilities, predicted) = try graph.asDefault {
            let logits = try digitsCNN(images)
            return (logits, try softmax(logits), try argmax(logits, axis: 1))
        }
        // Every variable came from the checkpoint, under TensorFlow's names.
        #expect(Set(graph.trainableVariables.map(\.name)) == Set(DigitsCNN.variableShapes.keys))
        #expect(logits.shape == [manifest.test, 10])
        expectClose(logits.scalars, tfLogits.scalars, relative: 1e-4, "logits")
        expectClose(probabilities.scalars, test["probabilities"]!.scalars, relative: 1e-4, "probabilities")
        // The same digit as TensorFlow for every image, hence exactly its accuracy.
        let tfPredicted = try argmax(tfLogits, axis: 1)
        #expect(predicted == tfPredicted)
        let correct = zip(predicted, labels).filter { $0 == $1 }.count
        #expect(correct == manifest.correct)
        #expect(abs(Double(correct) / Double(manifest.test) - manifest.accuracy) < 1e-12)
        #expect(Double(correct) / Double(manifest.test) > 0.95)
        // The recorded graph reads as TensorFlow's would.
        #expect(graph.operations.map(\.name) == [
            "conv1/Conv2D", "conv1/add", "conv1/Relu", "MaxPool2d", "conv2/Conv2D", "conv2/add", "conv2/Relu",
            "MaxPool2d_1", "Reshape", "fc1/MatMul", "fc1/add", "fc1/Relu", "fc2/MatMul", "fc2/add", "Softmax", "ArgMax"])
    }

    /// The training checkpoint itself, as tf.compat.v1.train.Saver wrote it (Adam's slots and
    /// beta powers beside the variables): restored into the graph built on a placeholder and run
    /// through a Session, it gives TensorFlow's logits, and the same tensors as the converted
    /// weights.safetensors.
    @Test func trainingCheckpointRestoresThroughASession() throws {
        let folder = Paths.fixture("digits")
        let test = try SafeTensors.read(folder + "/test.safetensors")
        let checkpoint = try TensorFlowCheckpoint(prefix: folder + "/model.ckpt")
        #expect(checkpoint.keys.contains("conv1/weights/Adam_1") && checkpoint.keys.contains("beta1_power"))
        let graph = Graph()
        let logits = try graph.asDefault { try digitsCNN(try placeholder(shape: [nil, 8, 8, 1], name: "images")) }
        try graph.restoreVariables(fromTensorFlowCheckpoint: folder + "/model.ckpt")
        let converted = try SafeTensors.read(folder + "/weights.safetensors")
        for variable in graph.globalVariables { #expect(variable.value == converted[variable.name], "\(variable.name)") }
        let session = try Session(graph: graph)
        let got = try session.run(logits, feeds: ["images": test["images"]!])
        expectClose(got.scalars, test["logits"]!.scalars, relative: 1e-4, "logits")
    }
}
