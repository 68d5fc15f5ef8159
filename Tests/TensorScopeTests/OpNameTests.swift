import Foundation
import Testing
import TensorScope

/// `name:` on every op, as TensorFlow's `name=`: the program of scripts/generate_name_fixture.py
/// gives the op names and types TensorFlow gave (Fixtures/op_names.json).
@Suite struct OpNameTests {
    @Test func namedOpsGetTensorFlowsNames() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("op_names.json")))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [[String]])
        let graph = Graph()
        try graph.asDefault {
            let x = try Initializer.randomNormal(seed: 4).tensor(shape: [1, 4, 4, 2])
            let c = try conv2d(x, Tensor(repeating: 1, shape: [3, 3, 2, 2]), strides: [1, 1, 1, 1], padding: .same, name: "c")
            var r = relu(c, name: "r")
            r = relu(r, name: "r")
            let p = try maxPool(r, ksize: [2], strides: [2], padding: .same, name: "pool1")
            let a = try avgPool(p, ksize: [1], strides: [1], padding: .valid, name: "avg")
            let f = try reshape(a, [1, -1], name: "flat")
            let m = try matmul(f, Tensor(repeating: 1, shape: [8, 3]), name: "fc")
            let b = try biasAdd(m, Tensor(repeating: 1, shape: [3]), name: "ba")
            let s = try softmax(b, name: "prob")
            _ = try argmax(s, axis: 1, name: "pred")
            _ = sigmoid(b, name: "sig")
            _ = tanh(b, name: "th")
            try nameScope("blk") { _ = relu(b, name: "r") }
        }
        #expect(graph.operations.map { [$0.name, $0.type] } == expected)
    }
}
