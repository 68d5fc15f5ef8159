import Testing
import TensorScope
import TensorScopeModels

/// One graph used from many tasks at once.
@Suite struct ConcurrencyTests {
    @Test func concurrentAutoReuseGetVariableYieldsOneVariable() async throws {
        let graph = Graph()
        let variables = try await graph.asDefault {
            try await withThrowingTaskGroup(of: Variable.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        try variableScope("shared", reuse: .autoReuse) { _ in
                            try getVariable("w", shape: [3, 3], initializer: .randomNormal())
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(variables.count == 64)
        #expect(variables.allSatisfy { $0 === variables[0] })
        #expect(graph.globalVariables.count == 1)
        #expect(graph.globalVariables[0].name == "shared/w")
    }

    @Test func concurrentTowersMatchSerialOnes() async throws {
        let inputs = try (0..<8).map { try Initializer.randomNormal(seed: 100 + $0).tensor(shape: [1, 10, 9, 3]) }
        let graph = Graph()
        // Create the four variables once.
        let serial = try graph.asDefault {
            _ = try variableScope("image_filters") { _ in try myImageFilter(inputs[0], seed: 7) }
            return try inputs.map { x in
                try variableScope("image_filters", reuse: true) { _ in try myImageFilter(x) }
            }
        }
        let parallel = try await graph.asDefault {
            try await withThrowingTaskGroup(of: (Int, Tensor).self) { group in
                for (i, x) in inputs.enumerated() {
                    group.addTask {
                        (i, try variableScope("image_filters", reuse: true) { _ in try myImageFilter(x) })
                    }
                }
                var results = [Tensor?](repeating: nil, count: inputs.count)
                for try await (i, y) in group { results[i] = y }
                return results.map { $0! }
            }
        }
        #expect(parallel == serial)
        #expect(graph.trainableVariables.count == 4)
        // 1 creating tower + 8 serial + 8 parallel, 6 ops each, all uniquely named.
        let names = graph.operations.map(\.name)
        #expect(names.count == 17 * 6)
        #expect(Set(names).count == names.count)
        #expect(Set(names.filter { $0.hasSuffix("/conv1/Conv2D") }.map { $0.split(separator: "/")[0] })
            == Set(["image_filters"] + (1...16).map { "image_filters_\($0)" }))
    }

    @Test func tasksKeepTheirOwnScopes() async throws {
        let graph = Graph()
        let seen = try await graph.asDefault {
            try await withThrowingTaskGroup(of: (String, String).self) { group in
                for i in 0..<16 {
                    group.addTask {
                        try variableScope("task\(i)") { scope in
                            try nameScope("inner") {
                                (scope.name, currentVariableScope().name + "|" + currentNameScope())
                            }
                        }
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
        }
        for i in 0..<16 {
            #expect(seen["task\(i)"] == "task\(i)|task\(i)/inner/")
        }
    }

    @Test func asyncScopesAwaitInside() async throws {
        let graph = Graph()
        let name = try await graph.asDefault {
            try await variableScope("outer") { _ in
                try await nameScope("ns") {
                    await Task.yield()
                    return try getVariable("v", shape: [1]).name + " " + currentNameScope()
                }
            }
        }
        #expect(name == "outer/v outer/ns/")
    }
}
