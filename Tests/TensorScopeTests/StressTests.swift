import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

/// Races and growth found by stress probes, as tests with fixed iteration counts. (ThreadSanitizer
/// does not see `Synchronization.Mutex` on this toolchain, so these are how races are checked.)
@Suite struct StressTests {
    /// 32 tasks × 200 rounds of `variableScope(nil, defaultName:)` on one graph: every scope gets
    /// its own name (the name used to be chosen and counted in two lock sections).
    @Test func concurrentDefaultNamedScopesNeverCollide() async throws {
        let graph = Graph()
        let names = try await graph.asDefault {
            try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        try (0..<200).map { _ in
                            try variableScope(nil, defaultName: "blk") { scope in
                                _ = try getVariable("w", shape: [1], initializer: .zeros)
                                return scope.name
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        #expect(names.count == 6400)
        #expect(Set(names).count == 6400)
        #expect(graph.globalVariables.count == 6400)
    }

    /// Leaving a re-entered scope restores only its own counts, so concurrent default names in
    /// other scopes keep theirs (the whole table used to be restored from a stale copy).
    @Test func leavingAReenteredScopeKeepsOtherTasksCounts() async throws {
        let graph = Graph()
        let outer = try graph.asDefault { try variableScope("outer") { $0 } }
        try await graph.asDefault {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for _ in 0..<500 { try variableScope(outer) { _ in _ = try variableScope("inner") { _ in 0 } } }
                }
                group.addTask {
                    for _ in 0..<500 {
                        try variableScope(nil, defaultName: "d") { _ in _ = try getVariable("w", shape: [1], initializer: .zeros) }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(graph.globalVariables.count == 500)
        #expect(Set(graph.globalVariables.map(\.name)).count == 500)
    }

    /// With recording off, 2,000 passes that open scopes add nothing to the graph's tables.
    @Test func aLongLoopWithoutRecordingKeepsTheGraphFlat() throws {
        let graph = Graph()
        graph.recordsOperations = false
        let x = Tensor(zeros: [1, 4, 4, 2])
        func pass() throws {
            try graph.asDefault {
                try variableScope("model", reuse: .autoReuse) { _ in
                    let w = try getVariable("w", shape: [3, 3, 2, 2], initializer: .ones)
                    _ = try nameScope("block") { relu(try conv2d(x, w, padding: .same) + Tensor(1)) }
                }
            }
        }
        try pass()
        let before = graph.state.withLock { ($0.namesInUse.count, $0.variableScopeCounts.count) }
        for _ in 0..<2000 { try pass() }
        let after = graph.state.withLock { ($0.namesInUse.count, $0.variableScopeCounts.count) }
        #expect(before == after)
        #expect(graph.operations.isEmpty && graph.globalVariables.count == 1)
        // Variables created with recording off are still named uniquely.
        try graph.asDefault {
            let a = try Variable(Tensor(1), name: "v"), b = try Variable(Tensor(1), name: "v")
            #expect(a.name == "v" && b.name == "v_1")
        }
    }

    /// Towers inside readingVariables never see two checkpoints while restores run.
    @Test func restoreIsAtomicForReaders() async throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = Graph()
        let names = ["a", "b", "c", "d"]
        try graph.asDefault { for n in names { _ = try getVariable(n, shape: [64], initializer: .zeros) } }
        let paths = try [1, 2].map { value -> String in
            let path = folder.appendingPathComponent("\(value).safetensors").path
            try AtomicFile.write(try SafeTensors.encode(Dictionary(uniqueKeysWithValues: names.map {
                ($0, Tensor(repeating: Float(value), shape: [64]))
            })), to: path)
            return path
        }
        try graph.restoreVariables(from: paths[0])
        let mixed = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for i in 0..<300 { try graph.restoreVariables(from: paths[i % 2]) }
                return 0
            }
            for _ in 0..<4 {
                group.addTask {
                    var mixed = 0
                    for _ in 0..<3000 {
                        let firsts = graph.readingVariables { graph.globalVariables.map { $0.value.scalars[0] } }
                        if Set(firsts).count != 1 { mixed += 1 }
                    }
                    return mixed
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mixed == 0)
        // Restoring from inside a reading block would wait for itself: an error instead.
        let error = #expect(throws: TensorScopeError.self) { try graph.readingVariables { try graph.restoreVariables(from: paths[0]) } }
        #expect(error?.description.contains("inside readingVariables") == true)
    }

    /// The fused op reports what conv2d alone reports: a -inf is not hidden by the ReLU.
    @Test(arguments: ConvPath.all)
    func fusedAndUnfusedAgreeOnNonFiniteResults(path: ConvPath) throws {
        var values = [Float](repeating: 1, count: 16)
        values[5] = -.infinity
        let x = try Tensor(shape: [1, 4, 4, 1], scalars: values)
        let w = Tensor(repeating: 1, shape: [3, 3, 1, 2])
        let b = Tensor(zeros: [2])
        _ = try path.run {
            let unfused = #expect(throws: TensorScopeError.self) { relu(try conv2d(x, w, padding: .same) + b) }
            let fused = #expect(throws: TensorScopeError.self) { try conv2dBiasRelu(x, w, bias: b, padding: .same) }
            #expect(unfused?.description.hasPrefix("conv2d: expected finite input values, got -inf") == true)
            #expect(fused?.description == unfused?.description)
        }
    }
}

/// Sizes that could only end in an aborted allocation or an overflow trap are errors.
@Suite struct AllocationBoundTests {
    @Test func hugeOutputsAndShapesThrowBeforeAllocating() throws {
        // 2048² pixels × 2²⁰ channels of float32 = 16 TiB of output.
        let x = Tensor(zeros: [1, 2048, 2048, 1]), w = Tensor(zeros: [1, 1, 1, 1 << 20])
        let conv = #expect(throws: TensorScopeError.self) { try conv2d(x, w, padding: .same) }
        #expect(conv?.description.contains("expected an output that fits in this machine's") == true, "\(String(describing: conv))")
        for (input, filter) in [([1, 1, 1, 1 << 62], [1, 1, 1 << 62, 1]), ([Int.max / 2, 3, 3, 1], [3, 3, 1, 1]),
                                ([1, 4, 4, 1 << 40], [1 << 20, 1 << 20, 1 << 40, 1])] {
            #expect(throws: TensorScopeError.self, "\(input) \(filter)") {
                try conv2dScratchBytes(input: input, filter: filter, padding: .same)
            }
        }
        #expect(throws: TensorScopeError.self) { try Initializer.zeros.tensor(shape: [1 << 31, 1 << 20]) }
        #expect(throws: TensorScopeError.self) { try matmul(Tensor(zeros: [1 << 20, 1]), Tensor(zeros: [1, 1 << 20])) }
        #expect(throws: TensorScopeError.self) { try reshape(Tensor(zeros: [4]), [Int.max, 2]) }
    }
}
