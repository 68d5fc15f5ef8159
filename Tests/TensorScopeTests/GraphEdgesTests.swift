import Foundation
import Testing
import TensorScope
import TensorScopeModels

/// graph.operations of the seed program against TensorFlow's own GraphDef for the same program
/// (Fixtures/seed_graph.json, from scripts/generate_graph_fixture.py): the same op nodes, names,
/// types, edges and attributes, variable reads that resolve to the same variables, and plain
/// tensors where TensorFlow has Const nodes — for each sharing method.
@Suite struct GraphEdgesTests {
    struct Node: Decodable {
        var name: String
        var op: String
        var inputs: [String]
        var attrs: [String: [String: AttrJSON]]?
    }

    enum AttrJSON: Decodable, Equatable {
        case string(String), bool(Bool), int(Int), ints([Int])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .int(i) }
            else if let l = try? c.decode([Int].self) { self = .ints(l) }
            else { self = .string(try c.decode(String.self)) }
        }
    }

    struct Fixture: Decodable {
        var input_shape: [Int]
        var methods: [String: [Node]]
    }

    static let fixture: Fixture = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/seed_graph.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// A recorded attribute in the fixture's spelling.
    static func json(_ value: TensorScope.GraphOperation.AttributeValue) -> [String: AttrJSON] {
        switch value {
        case .type(let t): ["type": .string(t)]
        case .ints(let l): ["ints": .ints(l)]
        case .string(let s): ["string": .string(s)]
        case .bool(let b): ["bool": .bool(b)]
        case .int(let i): ["int": .int(i)]
        case .shape(let l): ["shape": .ints(l)]
        case .float(let f): ["float": .string("\(f)")]
        }
    }

    @Test(arguments: SharingMethod.allCases)
    func operationsMatchTensorFlowsGraphDef(method: SharingMethod) throws {
        let shape = Self.fixture.input_shape
        let image1 = Tensor(zeros: shape), image2 = Tensor(repeating: 1, shape: shape)
        let graph = Graph()
        _ = try graph.asDefault { try ImageFilterModel.run([image1, image2], method: method, seed: 1) }
        let tfNodes = try #require(Self.fixture.methods["\(method.rawValue)"])
        let byName = Dictionary(uniqueKeysWithValues: tfNodes.map { ($0.name, $0) })
        // The ops TensorFlow's program ran (its initializer subgraphs aside), in order.
        let tfOps = tfNodes.filter { ["Conv2D", "AddV2", "Relu"].contains($0.op) && !$0.name.contains("/Initializer/") }
        let ops = graph.operations
        #expect(ops.map(\.name) == tfOps.map(\.name))
        #expect(ops.map(\.type) == tfOps.map(\.op))
        #expect(ops.count == 12)
        for (op, tf) in zip(ops, tfOps) {
            #expect(op.inputs == tf.inputs, "\(op.name)")
            #expect(op.attributes.mapValues(Self.json) == tf.attrs ?? [:], "\(op.name)")
            for input in op.arguments {
                let node = try #require(byName[input.node], "\(op.name): no TF node \(input.node)")
                switch input.source {
                case .operation:
                    #expect(ops.contains { $0.name == input.node })
                case .variableRead(let variable):
                    // A read node of exactly that variable, which TF holds as a VarHandleOp.
                    #expect(node.op == "ReadVariableOp" && node.inputs == [variable], "\(input.node)")
                    #expect(byName[variable]?.op == "VarHandleOp")
                    #expect(graph.variable(named: variable) != nil)
                case .constant:
                    #expect(node.op == "Const", "\(input.node)")
                    #expect(input.shape == shape)
                }
            }
        }
        // Every Conv2D reads one of the two shared filters; both towers read the same ones.
        let filters = ops.filter { $0.type == "Conv2D" }.compactMap { op -> String? in
            if case .variableRead(let v) = op.arguments[1].source { return v } else { return nil }
        }
        #expect(filters == ["image_filters/conv1/weights", "image_filters/conv2/weights",
                            "image_filters/conv1/weights", "image_filters/conv2/weights"])
    }

    @Test func outputsKnowTheirProducerAndPlainTensorsDoNot() throws {
        let x = Tensor(zeros: [1, 4, 4, 2])
        #expect(x.opName == nil)
        let graph = Graph()
        try graph.asDefault {
            let y = relu(x)
            #expect(y.opName == "Relu")
            let z = try nameScope("s") { try y + y }
            #expect(z.opName == "s/add")
            #expect(graph.operations.last?.inputs == ["Relu", "Relu"])
            // A tensor written in place is no longer that op's output.
            var w = z
            w.withUnsafeMutableBufferPointer { $0[0] = 1 }
            #expect(w.opName == nil && w != z)
            // A tensor from another graph is a constant here.
            let other = Graph().asDefault { relu(x) }
            _ = relu(other)
            #expect(graph.operations.last?.inputs == ["Relu_1/features"])
        }
        // Without recording, nothing is named and outputs carry no producer.
        let quiet = Graph()
        quiet.recordsOperations = false
        let q = quiet.asDefault { relu(x) }
        #expect(q.opName == nil && quiet.operations.isEmpty)
    }

    @Test func variablesReadOnTheLeftAreReadBeforeTheOp() throws {
        let graph = Graph()
        try graph.asDefault {
            let v = try getVariable("v", shape: [2], initializer: .ones)
            let t = Tensor(repeating: 2, shape: [2])
            _ = try v + t
            _ = try t + v
        }
        let ops = graph.operations
        #expect(ops.map(\.inputs) == [["ReadVariableOp", "add/y"], ["add_1/x", "add_1/ReadVariableOp"]])
        #expect(ops.map { $0.arguments.map(\.source) } == [
            [.variableRead(variable: "v"), .constant], [.constant, .variableRead(variable: "v")]])
    }
}
