import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeTensorFlow
import TensorScopeModels

/// The seed program's last section — `global_variables_initializer()`, `sess.run(init)`,
/// `sess.run(var)` — against what TensorFlow records for it (Fixtures/initializer.json, from
/// scripts/generate_initializer_fixture.py).
@Suite struct InitializerOpTests {
    struct Fixture: Decodable {
        struct Assign: Decodable { var name: String; var type: String; var inputs: [String] }
        struct Init: Decodable { var name: String; var type: String; var control_inputs: [String] }
        var variables: [String]
        var assigns: [Assign]
        var inits: [Init]
        var seeded_same_after_second_init: Bool
        var seeded_same_in_new_session: Bool
        var constant_same_after_second_init: Bool
    }

    static let fixture = try! JSONDecoder().decode(
        Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: Paths.fixture("initializer.json"))))

    /// A NodeDef's spelling of a Python tensor name: `x:0` is written `x`.
    static func edge(_ name: String) -> String { name.hasSuffix(":0") ? String(name.dropLast(2)) : name }

    /// The seed's two towers on placeholders, then two initializers, as the generator builds them.
    static func seedGraph() throws -> (Graph, Session, GraphOperation, GraphOperation, [Variable]) {
        let graph = Graph()
        let (towers, initOp, init1) = try graph.asDefault {
            let towers = try ImageFilterModel.towers(method: .reuseVariables, seed: 1, channels: 3)
            return (towers, globalVariablesInitializer(), globalVariablesInitializer())
        }
        return (graph, towers.session, initOp, init1, graph.trainableVariables)
    }

    @Test func initializerOpsAreRecordedAsTensorFlowRecordsThem() throws {
        let f = Self.fixture
        let (graph, _, initOp, init1, variables) = try Self.seedGraph()
        #expect(variables.map(\.tensorName) == f.variables)
        for assign in f.assigns {
            let op = try #require(graph.operations.first { $0.name == assign.name }, "\(assign.name)")
            #expect(op.type == assign.type)
            #expect(op.inputs == assign.inputs.map(Self.edge))
        }
        // Each Assign recorded once, however many initializers group it.
        #expect(graph.operations.filter { $0.type == "AssignVariableOp" }.count == 4)
        for (op, expected) in zip([initOp, init1], f.inits) {
            #expect(op.name == expected.name && op.type == expected.type)
            #expect(op.inputs == expected.control_inputs.map { "^" + $0 })
        }
        // The TensorBoard graph shows them as TensorFlow's does.
        let def = GraphDefBuilder.graphDef(operations: graph.operations, variables: graph.globalVariables)
        let exported = try #require(def.node.first { $0.name == "init" })
        #expect(exported.op == "NoOp" && exported.input == f.inits[0].control_inputs.map { "^" + $0 })
        let assign = try #require(def.node.first { $0.name == f.assigns[0].name })
        #expect(assign.op == "AssignVariableOp" && assign.input == f.assigns[0].inputs.map(Self.edge))
        #expect(def.node.contains { $0.name == Self.edge(f.assigns[0].inputs[1]) })
        // The placeholders are Placeholder nodes with TensorFlow's attributes, -1 where unknown.
        let placeholder = try #require(def.node.first { $0.name == "image1" })
        #expect(placeholder.op == "Placeholder" && placeholder.attr["dtype"]?.type == .dtFloat)
        #expect(placeholder.attr["shape"]?.shape.dim.map(\.size) == [-1, -1, -1, 3])
        #expect(def.node.first { $0.name == "image_filters/conv1/Conv2D" }?.input.first == "image1")
    }

    @Test func runningInitGivesEveryVariableAFreshValue() throws {
        let f = Self.fixture
        let (graph, session, initOp, init1, variables) = try Self.seedGraph()
        let created = variables.map(\.value)
        // sess.run(var) for each of the four: their current values.
        #expect(try variables.map { try session.run($0) } == created)
        #expect(try session.run(variables) == created)
        for variable in variables { try variable.assign(Tensor(zeros: variable.shape)) }
        #expect(try session.run(variables[0]) == Tensor(zeros: variables[0].shape))
        // Seeded initializers (the towers' weights) and constants (the biases) give their
        // creation values again — TensorFlow gives them in each new session (fixture:
        // \(f.seeded_same_in_new_session)), and its constants in the same one too.
        try session.run(initOp)
        #expect(try session.run(variables) == created)
        #expect(f.seeded_same_in_new_session && f.constant_same_after_second_init)
        for variable in variables { try variable.assign(Tensor(repeating: 1, shape: variable.shape)) }
        try session.run(init1)
        #expect(try session.run(variables) == created)
        // An unseeded initializer draws new values.
        let unseeded = try graph.asDefault { try getVariable("fresh", shape: [64], initializer: .randomNormal()) }
        let before = unseeded.value
        try session.run(graph.asDefault { globalVariablesInitializer() })
        #expect(unseeded.value != before)
        #expect(try session.run(variables) == created)
    }

    @Test func initializerErrorsNameTheOpOrVariable() throws {
        let (_, session, _, _, _) = try Self.seedGraph()
        let (_, _, otherInit, _, otherVariables) = try Self.seedGraph()
        let op = #expect(throws: TensorScopeError.self) { try session.run(otherInit) }
        #expect(op?.description.contains("'init'") == true)
        let variable = #expect(throws: TensorScopeError.self) { try session.run(otherVariables[0]) }
        #expect(variable?.description.contains("image_filters/conv1/weights") == true)
    }
}
