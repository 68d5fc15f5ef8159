import Foundation
import Testing
import TensorScope
@testable import TensorScopeTensorFlow

/// Collections as tf.compat.v1 has them: the program of scripts/generate_collection_fixture.py,
/// its scoped queries and GraphKeys' strings against what TensorFlow returned
/// (Fixtures/collections.json); values added with `addToCollection`.
@Suite struct CollectionTests {
    @Test func scopedQueriesMatchTensorFlow() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("collections.json")))
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let graph = Graph()
        try graph.asDefault {
            for (scope, names) in [("conv1", ["weights", "biases"]), ("conv10", ["w"]), ("fc", ["w"])] {
                try variableScope(scope) { _ in
                    for name in names { _ = try getVariable(name, shape: [2], initializer: .zeros) }
                }
            }
            try variableScope("stats") { _ in _ = try getVariable("count", shape: [1], initializer: .zeros, trainable: false) }
            let queries: [String: [Variable]] = [
                "trainable": trainableVariables(),
                "trainable conv1": trainableVariables(scope: "conv1"),
                "trainable conv1/": trainableVariables(scope: "conv1/"),
                "trainable conv1.*w": trainableVariables(scope: "conv1.*w"),
                "trainable stats": trainableVariables(scope: "stats"),
                "global": globalVariables(),
                "global stats": globalVariables(scope: "stats"),
                "collection trainable_variables fc": getCollection(GraphKeys.trainableVariables, scope: "fc").compactMap { $0 as? Variable },
            ]
            for (query, variables) in queries {
                #expect(variables.map(\.tensorName) == fixture[query] as? [String], "\(query)")
            }
        }
        let keys = try #require(fixture["keys"] as? [String: String])
        #expect([GraphKeys.globalVariables, GraphKeys.trainableVariables, GraphKeys.localVariables, GraphKeys.updateOps,
                 GraphKeys.losses, GraphKeys.regularizationLosses, GraphKeys.summaries]
                == ["GLOBAL_VARIABLES", "TRAINABLE_VARIABLES", "LOCAL_VARIABLES", "UPDATE_OPS", "LOSSES",
                    "REGULARIZATION_LOSSES", "SUMMARIES"].map { keys[$0] })
    }

    @Test func addedValuesComeBackInOrderAndByScope() throws {
        let graph = Graph()
        try graph.asDefault {
            let x = try Tensor(shape: [2], scalars: [1, -2])
            let loss1 = try nameScope("tower0") { relu(x) }
            let loss2 = try nameScope("tower1") { relu(x) }
            addToCollection(GraphKeys.losses, loss1)
            addToCollection(GraphKeys.losses, loss2)
            addToCollection(GraphKeys.losses, "a note")
            #expect(getCollection(GraphKeys.losses).count == 3)
            let scoped = getCollection(GraphKeys.losses, scope: "tower1")
            #expect(scoped.count == 1 && (scoped.first as? Tensor)?.opName == "tower1/Relu")
            #expect(getCollection("nothing").isEmpty && getCollection(GraphKeys.losses, scope: "(").isEmpty)
        }
        // Another graph's collections are its own.
        #expect(Graph().getCollection(GraphKeys.losses).isEmpty)
    }
}

/// An op of one's own recorded as one op of its type, and exported as such.
@Suite struct CustomOperationTests {
    @Test func aHandWrittenOpRecordsAsItsType() throws {
        let graph = Graph()
        let x = try Tensor(shape: [1, 2, 2, 3], scalars: (0..<12).map(Float.init))
        let y = try graph.asDefault {
            try nameScope("block") {
                try customOperation("LRN", name: "norm1", inputs: [x], attributes: ["depth_radius": .int(2)]) { values in
                    try Tensor(shape: values[0].shape, scalars: values[0].scalars.map { $0 / 2 })
                }
            }
        }
        #expect(y.scalars == x.scalars.map { $0 / 2 } && y.opName == "block/norm1")
        let op = try #require(graph.operations.last)
        #expect(op.name == "block/norm1" && op.type == "LRN" && op.inputs == ["block/norm1/input_0"])
        #expect(op.attributes["depth_radius"] == .int(2) && op.outputShape == [1, 2, 2, 3])
        let graphDef = GraphDefBuilder.graphDef(operations: graph.operations, variables: graph.globalVariables)
        #expect(graphDef.node.contains { $0.name == "block/norm1" && $0.op == "LRN" })
        // A failing one has used up its name.
        #expect(throws: TensorScopeError.self) {
            try graph.asDefault {
                try customOperation("LRN", name: "norm1", inputs: [x]) { _ in throw TensorScopeError(.invalidArgument, "no") }
            }
        }
        _ = try graph.asDefault { try customOperation("LRN", name: "norm1", inputs: [x]) { $0[0] } }
        #expect(graph.operations.last?.name == "norm1_1")  // the failed one took "norm1"
    }
}
