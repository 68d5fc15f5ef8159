import Foundation
import Testing
import TensorScope
import TensorScopeModels

/// What a TensorFlow 1.x porter reaches for: scopes without `_ in`, a captured scope re-entered,
/// `v.name` with `:0`, a graph-level seed, misspelled initial values, restoring too early.
@Suite struct PortingFrictionTests {
    let image = Tensor(repeating: 0.5, shape: [1, 6, 6, 3])

    @Test func scopesTakeClosuresWithOrWithoutTheScope() throws {
        let graph = Graph()
        try graph.asDefault {
            let a = try variableScope("conv1") { try getVariable("w", shape: [1], initializer: .ones) }
            let b = try variableScope("conv1", reuse: true) { scope in
                #expect(scope.name == "conv1")
                return try getVariable("w", shape: [1])
            }
            #expect(a === b)
            #expect(a.name == "conv1/w" && a.tensorName == "conv1/w:0")
        }
    }

    /// The seed program's third method without a `var captured: VariableScope?`.
    @Test func capturingAScopeToReenterIt() throws {
        let graph = Graph()
        let (first, second) = try graph.asDefault {
            let (scope, first) = try capturingVariableScope("image_filters") { try myImageFilter(image, seed: 1) }
            #expect(scope.name == "image_filters")
            let second = try variableScope(scope, reuse: true) { try myImageFilter(image) }
            return (first, second)
        }
        #expect(first == second)
        #expect(graph.trainableVariables.count == 4)
        #expect(graph.operations.last?.name == "image_filters_1/conv2/Relu")
    }

    @Test func aGraphSeedMakesUnseededVariablesReproducible() throws {
        func values(seed: Int?, order: [String]) throws -> [String: [Float]] {
            let graph = Graph()
            graph.randomSeed = seed
            return try graph.asDefault {
                try Dictionary(uniqueKeysWithValues: order.map { name in
                    (name, try getVariable(name, shape: [4], initializer: .randomNormal()).value.scalars)
                })
            }
        }
        let one = try values(seed: 7, order: ["a", "b"]), two = try values(seed: 7, order: ["b", "a"])
        #expect(one == two)                       // same seed, any creation order: same values
        #expect(one["a"] != one["b"])             // different variables, different draws
        #expect(try values(seed: 8, order: ["a"])["a"] != one["a"])
        #expect(try values(seed: nil, order: ["a"])["a"] != (try values(seed: nil, order: ["a"]))["a"])
        // An explicit seed still wins, and constants stay constants.
        let graph = Graph()
        graph.randomSeed = 7
        try graph.asDefault {
            let expected = try Initializer.randomNormal(seed: 3).tensor(shape: [3])
            #expect(try getVariable("s", shape: [3], initializer: .randomNormal(seed: 3)).value == expected)
            #expect(try getVariable("c", shape: [2], initializer: .constant(2)).value.scalars == [2, 2])
        }
    }

    @Test func misspelledInitialValuesAreReportedAndEarlyRestoresExplained() throws {
        let graph = Graph()
        graph.setInitialValues(["conv1/weights": Tensor(repeating: 1, shape: [2]), "conv1/wieghts": Tensor(repeating: 1, shape: [2])])
        try graph.asDefault { _ = try variableScope("conv1") { try getVariable("weights", shape: [2]) } }
        #expect(graph.unusedInitialValueKeys() == ["conv1/wieghts"])
        let empty = Graph()
        let error = #expect(throws: TensorScopeError.self) { try empty.restoreVariables(from: "/dev/null") }
        #expect(error?.description.contains("the graph has no variables yet; create them first") == true)
    }
}
