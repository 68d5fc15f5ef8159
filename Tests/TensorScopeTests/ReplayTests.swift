import Foundation
import Synchronization
import Testing
import TensorScope
@testable import TensorScopeGraph
import TensorScopeModels

/// A recorded op holds what it takes to run it again: every op of the seed program, the digits
/// CNN and every op fixture, run again from its record alone (type, attributes, the values of
/// its input edges), gives its eager output bit for bit.
@Suite struct ReplayTests {
    /// Values seen under their node names while a program ran.
    final class Observed: Sendable {
        let values = Mutex<[String: Tensor]>([:])
    }

    /// Runs `program` in a new graph, observing every value, then runs every recorded op again
    /// in record order from its record: the inputs of each are the observed values of its input
    /// edges, or the replayed output of an op that computed fused with others (whose output
    /// never existed). Returns how many ops were compared with an eager output, and how many
    /// replayed at all.
    static func replay(_ program: () throws -> Void) throws -> (compared: Int, replayed: Int) {
        let graph = Graph()
        let observed = Observed()
        graph.state.withLock { state in
            state.valueObserver = { node, value in observed.values.withLock { $0[node] = value } }
        }
        try graph.asDefault(program)
        var values = observed.values.withLock { $0 }
        var compared = 0
        for operation in graph.operations {
            let inputs = try operation.inputs.map { node in
                try #require(values[node], "\(operation.name): no value for input \(node)")
            }
            let outputs = try OpRegistry.run(operation, inputs: inputs)
            #expect(outputs.map(\.shape) == operation.outputShapes, "\(operation.name)")
            if let eager = values[operation.name] {
                compared += 1
                #expect(outputs[0].shape == eager.shape, "\(operation.name)")
                let same = zip(outputs[0].scalars, eager.scalars).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same && outputs[0].scalarCount == eager.scalarCount, "\(operation.name) (\(operation.type)) differs on replay")
            } else {
                values[operation.name] = outputs[0]
            }
        }
        return (compared, graph.operations.count)
    }

    @Test(arguments: SharingMethod.allCases)
    func seedProgram(method: SharingMethod) throws {
        let images = try [1, 2].map { try Initializer.randomNormal(seed: $0).tensor(shape: [2, 9, 8, 32]) }
        let (compared, replayed) = try Self.replay {
            _ = try ImageFilterModel.run(images, method: method, seed: 1)
        }
        // Fused layers (conv2dBiasRelu): each Relu compared after its Conv2D and add replayed.
        #expect(replayed == 12 && compared == 4)
    }

    /// The seed program as the README writes it, op by op: every op compared.
    @Test func unfusedSeedProgram() throws {
        func convRelu(_ input: Tensor, _ kernelShape: [Int]) throws -> Tensor {
            let weights = try getVariable("weights", shape: kernelShape, initializer: .randomNormal(seed: 3))
            let biases = try getVariable("biases", shape: [kernelShape[3]], initializer: .constant(0.5))
            return relu(try conv2d(input, weights, strides: [1, 1, 1, 1], padding: .same) + biases)
        }
        let images = try [1, 2].map { try Initializer.randomNormal(seed: $0).tensor(shape: [2, 9, 8, 32]) }
        let (compared, replayed) = try Self.replay {
            try variableScope("image_filters") { scope in
                for image in images {
                    let relu1 = try variableScope("conv1") { _ in try convRelu(image, [5, 5, 32, 32]) }
                    _ = try variableScope("conv2") { _ in try convRelu(relu1, [5, 5, 32, 32]) }
                    scope.reuseVariables()
                }
            }
        }
        #expect(replayed == 12 && compared == 12)
    }

    @Test func digitsCNN() throws {
        let folder = Paths.fixture("digits")
        let images = try #require(try SafeTensors.read(folder + "/test.safetensors")["images"])
        let weights = try SafeTensors.read(folder + "/weights.safetensors", expecting: DigitsCNN.variableShapes)
        let (compared, replayed) = try Self.replay {
            Graph.current.setInitialValues(weights)
            let logits = try TensorScopeModels.digitsCNN(images)
            _ = try softmax(logits)
            _ = try argmax(logits, axis: 1)
        }
        // The fused conv2dBiasRelu layers leave Conv2D and add without an eager value: they are
        // replayed, and the Relu after them compared.
        #expect(replayed == 16 && compared == 12)
    }

    @Test(arguments: try OpFixture.all())
    func opFixture(_ f: OpFixture) throws {
        let (compared, replayed) = try Self.replay { _ = try OpTensorFlowTests.run(f) }
        // tf.nn.batch_normalization is seven recorded ops (add, Rsqrt, four Mul/Sub, add_1).
        let count = f.op == "batch_normalization" ? 7 : 1
        #expect(compared == count && replayed == count, "\(f.name)")
    }

    /// An op with several outputs records all their shapes, and a consumer of its second
    /// output names the edge as a NodeDef does (`name:1`).
    @Test func laterOutputsAreEdgesNamedWithTheirIndex() throws {
        let graph = Graph()
        try graph.asDefault {
            let x = try Tensor(shape: [2], scalars: [-1, 2])
            let y = try Tensor(shape: [3], scalars: [4, -5, 6])
            let outputs = PendingOperation("TwoOutputs", [OpInput("x", x), OpInput("y", y)]).finish([x, y])
            #expect(outputs.map(\.opName) == ["TwoOutputs", "TwoOutputs:1"])
            #expect(relu(outputs[1]).scalars == [4, 0, 6])
        }
        let ops = graph.operations
        #expect(ops.map(\.name) == ["TwoOutputs", "Relu"])
        #expect(ops[0].outputShapes == [[2], [3]] && ops[0].outputShape == [2])
        #expect(ops[1].inputs == ["TwoOutputs:1"] && ops[1].inputShapes == [[3]])
    }
}
