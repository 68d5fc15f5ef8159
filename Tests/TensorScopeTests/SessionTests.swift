import Foundation
import Synchronization
import Testing
import TensorScope
import TensorScopeModels
@testable import TensorScopeGraph

/// Placeholders and `Session`: a graph built once and run many times gives, bit for bit, what the
/// same program computes eagerly.
@Suite struct SessionTests {
    static let digitsWeights: [String: Tensor] = {
        var weights: [String: Tensor] = [:]
        for (offset, (name, shape)) in DigitsCNN.variableShapes.sorted(by: { $0.key < $1.key }).enumerated() {
            weights[name] = try! Initializer.randomNormal(stddev: 0.3, seed: 100 + offset).tensor(shape: shape)
        }
        return weights
    }()

    /// The digits CNN built on a placeholder, and a session for it.
    static func digitsSession() throws -> (Graph, Session, Tensor, Tensor) {
        let graph = Graph()
        graph.setInitialValues(digitsWeights)
        let (images, logits) = try graph.asDefault {
            let images = try placeholder(shape: [nil, 8, 8, 1], name: "images")
            return (images, try digitsCNN(images))
        }
        return (graph, try Session(graph: graph), images, logits)
    }

    static func eagerDigits(_ batch: Tensor) throws -> Tensor {
        let graph = Graph()
        graph.setInitialValues(digitsWeights)
        return try graph.asDefault { try digitsCNN(batch) }
    }

    @Test func digitsThroughSessionEqualEagerBitForBit() throws {
        let (graph, session, images, logits) = try Self.digitsSession()
        #expect(images.isSymbolic && logits.isSymbolic)
        #expect(images.shape == [-1, 8, 8, 1] && logits.shape == [-1, 10])
        #expect(logits.scalars.isEmpty)
        let recorded = graph.operations.count
        for batchSize in [1, 7, 256, 7] {
            let batch = try Initializer.randomNormal(seed: batchSize).tensor(shape: [batchSize, 8, 8, 1])
            let planned = try session.run(logits, feeds: ["images": batch])
            #expect(!planned.isSymbolic)
            #expect(planned == (try Self.eagerDigits(batch)), "batch \(batchSize)")
        }
        // Running records nothing.
        #expect(graph.operations.count == recorded)
        // The placeholder is an op of the graph, named as TensorFlow names it.
        #expect(graph.operations[0].name == "images" && graph.operations[0].type == "Placeholder")
        #expect(graph.operations[1].inputs == ["images", "conv1/Conv2D/ReadVariableOp"])
    }

    @Test func planFusesConvolutionBiasAndActivationAndSharesMemory() throws {
        let (_, session, _, logits) = try Self.digitsSession()
        let summary = try session.planSummary([logits], feedShapes: ["images:0": [64, 8, 8, 1]])
        // With TensorScope's own kernels the convolutions run batch-major on these small maps
        // and take their max pools too (MaxPoolFusionTests); elsewhere the pools are steps.
        if KernelISA.current != nil {
            #expect(summary.steps == [
                ["conv1/Conv2D", "conv1/add", "conv1/Relu", "MaxPool2d"],
                ["conv2/Conv2D", "conv2/add", "conv2/Relu", "MaxPool2d_1"],
                ["fc1/MatMul", "fc1/add", "fc1/Relu"], ["fc2/MatMul", "fc2/add"],
            ])
            // The pooled outputs of both layers (64·4·4·16 and 64·2·2·32 floats) are alive at once.
            #expect(summary.arenaBytes >= 4 * 64 * (4 * 4 * 16 + 2 * 2 * 32))
        } else {
            #expect(summary.steps == [
                ["conv1/Conv2D", "conv1/add", "conv1/Relu"], ["MaxPool2d"],
                ["conv2/Conv2D", "conv2/add", "conv2/Relu"], ["MaxPool2d_1"],
                ["fc1/MatMul", "fc1/add", "fc1/Relu"], ["fc2/MatMul", "fc2/add"],
            ])
            // The conv1 output (64·8·8·16 floats) and the pool after it are both alive at once.
            #expect(summary.arenaBytes >= 4 * 64 * (8 * 8 * 16 + 4 * 4 * 16))
        }
        // Liveness lets later layers reuse the first layers' bytes.
        #expect(summary.arenaBytes > 0 && summary.arenaBytes < summary.unsharedBytes)
    }

    @Test func seedProgramWithPlaceholdersBuildsTensorFlowsGraph() throws {
        for method in SharingMethod.allCases {
            let graph = Graph()
            graph.randomSeed = 7
            let (a, b, outputs) = try graph.asDefault {
                let a = try placeholder(shape: [nil, 9, 8, 32], name: "image1")
                let b = try placeholder(shape: [nil, 9, 8, 32], name: "image2")
                let outputs = try symbolicSeed(method, a, b)
                return (a, b, outputs)
            }
            #expect(a.opName == "image1" && b.opName == "image2")
            #expect(graph.trainableVariables.count == 4)
            let names = graph.operations.map(\.name)
            #expect(Array(names.prefix(8)) == ["image1", "image2"] + SeedProgramTests.opNames("image_filters/"))
            #expect(graph.operations.map(\.type).filter { $0 == "Placeholder" }.count == 2)
            // Each tower's first convolution reads its placeholder.
            let firstConvolutions = graph.operations.filter { $0.type == "Conv2D" && $0.name.hasSuffix("/Conv2D") }
            #expect(firstConvolutions.count == 4)
            #expect(firstConvolutions[0].inputs.first == "image1" && firstConvolutions[2].inputs.first == "image2")

            // The same numbers as the eager program with the same variables.
            let image1 = try Initializer.randomNormal(seed: 1).tensor(shape: [2, 9, 8, 32])
            let image2 = try Initializer.randomNormal(seed: 2).tensor(shape: [3, 9, 8, 32])
            let session = try Session(graph: graph)
            let results = try session.run(outputs, feeds: ["image1": image1, "image2:0": image2])
            let eagerGraph = Graph()
            eagerGraph.randomSeed = 7
            let eager = try eagerGraph.asDefault { try symbolicSeed(method, image1, image2) }
            #expect(results == eager, "\(method)")
            // The same graph as the eager program's, with the two placeholders in front.
            #expect(Array(names.dropFirst(2)) == eagerGraph.operations.map(\.name))
            #expect(graph.operations.dropFirst(2).map(\.type) == eagerGraph.operations.map(\.type))
        }
    }

    /// The seed program on two inputs (placeholders or values), sharing as `method` says.
    private func symbolicSeed(_ method: SharingMethod, _ a: Tensor, _ b: Tensor) throws -> [Tensor] {
        var batches = [a, b].makeIterator()
        var outputs: [Tensor] = []
        try ImageFilterModel.stream(method: method, next: { batches.next() }) { _, output in outputs.append(output) }
        return outputs
    }

    @Test func variablesAreReadWhenTheSessionRuns() throws {
        let (graph, session, _, logits) = try Self.digitsSession()
        let batch = try Initializer.randomNormal(seed: 3).tensor(shape: [5, 8, 8, 1])
        let before = try session.run(logits, feeds: ["images": batch])
        // A restore between runs is seen by the next run (the plan is reused).
        let other = Self.digitsWeights.mapValues { t in Tensor(repeating: 0.01, shape: t.shape) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("session-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try SafeTensors.write(other, to: file)
        try graph.restoreVariables(from: file)
        let after = try session.run(logits, feeds: ["images": batch])
        #expect(after != before)
        let eager = Graph()
        eager.setInitialValues(other)
        #expect(after == (try eager.asDefault { try digitsCNN(batch) }))
    }

    /// A step keeps its convolution operator between runs (`Conv2DOperatorCache`), but each run
    /// computes with the algorithm pinned for it and the filter's value at that run.
    @Test func eachRunUsesThePinnedAlgorithmAndTheCurrentFilter() throws {
        var rng = TestRandom(41)
        let x = try Tensor(shape: [2, 9, 9, 16], scalars: rng.floats(2 * 81 * 16))
        let first = try Tensor(shape: [3, 3, 16, 24], scalars: rng.floats(9 * 16 * 24))
        let second = try Tensor(shape: [3, 3, 16, 24], scalars: rng.floats(9 * 16 * 24))
        let graph = Graph()
        let (w, y) = try graph.asDefault {
            let input = try placeholder(shape: [nil, 9, 9, 16], name: "x")
            let w = try getVariable("w", shape: [3, 3, 16, 24], initializer: .zeros)
            return (w, try conv2d(input, w, padding: .same))
        }
        let session = try Session(graph: graph)
        for value in [first, second] {
            try w.assign(value)
            var results: [Conv2DAlgorithm: Tensor] = [:]
            // Each value's runs start with the algorithm the last ones ended with: a kept operator
            // holds the filter packed for the value it was made with.
            for algorithm in [Conv2DAlgorithm.igemm, .im2col, .winograd, .igemm] {
                let run = try Conv2DAlgorithm.withPinned(algorithm) { try session.run(y, feeds: ["x": x]) }
                let eager = try Conv2DAlgorithm.withPinned(algorithm) { try Graph().asDefault { try conv2d(x, value, padding: .same) } }
                #expect(run == eager, "\(algorithm)")
                if let earlier = results[algorithm] { #expect(run == earlier, "\(algorithm) again") }
                results[algorithm] = run
            }
            // The pins reached the kernels: Winograd rounds differently from the direct sums.
            #expect(results[.winograd] != results[.im2col])
            let reference = ReferenceConv2D.conv(input: x.scalars, inputShape: x.shape, filter: value.scalars,
                                                 filterShape: value.shape, stride: (1, 1), dilation: (1, 1), same: true)!
            for (algorithm, result) in results {
                #expect(result.shape == reference.shape)
                expectClose(result.scalars, reference.values, "\(algorithm) against the reference")
            }
        }
    }

    /// Plans are looked up by the fetches and the fed placeholders' shapes, which hash alike when
    /// only the names differ: those runs get plans of their own, each computing from its feeds.
    @Test func feedsThatDifferOnlyInNamesGetTheirOwnPlans() throws {
        let graph = Graph()
        let (sum, scaled) = try graph.asDefault {
            let a = try placeholder(shape: [2, 3], name: "a")
            let b = try placeholder(shape: [2, 3], name: "b")
            _ = try placeholder(shape: [2, 3], name: "c")
            return (try a + b, a * 2)
        }
        let session = try Session(graph: graph)
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let y = try Tensor(shape: [2, 3], scalars: [10, 20, 30, 40, 50, 60])
        // Two keys with the same fetch and shapes, told apart by the second feed's name.
        #expect(try session.run(scaled, feeds: ["a": x, "b": y]).scalars == [2, 4, 6, 8, 10, 12])
        #expect(try session.run(scaled, feeds: ["a": y, "c": x]).scalars == [20, 40, 60, 80, 100, 120])
        #expect(session.cacheCounts.plans == 2)
        #expect(try session.run(sum, feeds: ["a": x, "b": y]).scalars == [11, 22, 33, 44, 55, 66])
        // "a:0" names the same placeholder as "a": the first plan again.
        #expect(try session.run(scaled, feeds: ["a:0": y, "b": x]).scalars == [20, 40, 60, 80, 100, 120])
        #expect(session.cacheCounts.plans == 3)
    }

    @Test func errorsNameThePlaceholderFeedOrTensor() throws {
        let (graph, session, images, logits) = try Self.digitsSession()
        let batch = Tensor(zeros: [2, 8, 8, 1])
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { _ = try session.run(logits, feeds: [:]) }.contains("placeholder 'images'"))
        #expect(message { _ = try session.run(logits, feeds: ["images": batch, "imagez": batch]) }.contains("feed 'imagez'"))
        let wrong = message { _ = try session.run(logits, feeds: ["images": Tensor(zeros: [2, 8, 8, 3])]) }
        #expect(wrong.contains("placeholder 'images'") && wrong.contains("[2, 8, 8, 3]") && wrong.contains("[?, 8, 8, 1]"))
        #expect(message { _ = try session.run(logits, feeds: ["images": Tensor(zeros: [8, 8, 1])]) }.contains("shape [8, 8, 1]"))
        // A fetch from another graph.
        let (_, _, _, otherLogits) = try Self.digitsSession()
        #expect(message { _ = try session.run(otherLogits, feeds: ["images": batch]) }.contains("another graph"))
        // Values of a symbolic tensor, read where values are needed.
        #expect(message { _ = try graph.asDefault { try argmax(logits, axis: 1) } }.contains("symbolic tensor 'fc2/add'"))
        #expect(message { _ = try images.reshaped(to: [-1]) }.contains("symbolic"))
        #expect(message { _ = try SafeTensors.encode(["x": logits]) }.contains("symbolic"))
        #expect(message { _ = try graph.asDefault { try Variable(images, name: "v") } }.contains("symbolic tensor 'images'"))
        // An op recorded after the session was made needs a new session.
        let later = try graph.asDefault { try softmax(logits) }
        #expect(message { _ = try session.run(later, feeds: ["images": batch]) }.contains("recorded after"))
        #expect(try Session(graph: graph).run(later, feeds: ["images": batch]).shape == [2, 10])
        // Bad placeholders.
        #expect(message { _ = try graph.asDefault { try placeholder(shape: [-2]) } }.contains("placeholder"))
        #expect(message { _ = try graph.asDefault { try placeholder(shape: [1], name: "a b") } }.contains("'a b'"))
        #expect("\(images)" == "Tensor(\"images:0\", shape=(?, 8, 8, 1), dtype=float32)")
    }

    @Test func concurrentRunsOnOneSessionEqualSerialOnes() async throws {
        let (_, session, _, logits) = try Self.digitsSession()
        let batches = try (0..<8).map { try Initializer.randomNormal(seed: 50 + $0).tensor(shape: [16 + $0 % 3, 8, 8, 1]) }
        let serial = try batches.map { try session.run(logits, feeds: ["images": $0]) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, Tensor).self) { group in
            for round in 0..<4 {
                for (i, batch) in batches.enumerated() {
                    group.addTask { (i, try session.run(logits, feeds: ["images": batch])) }
                }
                _ = round
            }
            var results: [(Int, Tensor)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(concurrent.count == 32)
        for (i, output) in concurrent { #expect(output == serial[i]) }
    }

    /// An eager op on variables alone (`-alpha`) used by a symbolic one is run by the Session, so
    /// it sees the variable's value when the session runs.
    @Test func eagerOpsOnVariablesAreRunAgain() throws {
        let graph = Graph()
        let (alpha, y) = try graph.asDefault {
            let x = try placeholder(shape: [2], name: "x")
            let alpha = try Variable(Tensor(shape: [2], scalars: [1, 2]), name: "alpha")
            return (alpha, try x * (-alpha))
        }
        let session = try Session(graph: graph)
        let x = try Tensor(shape: [2], scalars: [3, 4])
        #expect(try session.run(y, feeds: ["x": x]).scalars == [-3, -8])
        try alpha.assign(Tensor(shape: [2], scalars: [10, 20]))
        #expect(try session.run(y, feeds: ["x": x]).scalars == [-30, -80])
    }

    /// Element-wise ops in a row run as one step, a chunk of rows at a time, with the eager numbers.
    @Test func elementwiseChainsRunInOnePass() throws {
        let shape = [3, 50, 70, 33]  // 3·50·70 rows of 33: several chunks and a short last one
        let x = try Initializer.randomNormal(seed: 31).tensor(shape: shape)
        let y = try Initializer.randomNormal(seed: 32).tensor(shape: shape)
        let b = try Initializer.randomNormal(seed: 33).tensor(shape: [33])
        func program(_ x: Tensor, _ y: Tensor) throws -> Tensor {
            let z = try (x * 2 + 1) * y            // scalar operands, then a second chunked tensor
            let w = try biasAdd(z, b) / 3          // a [C] vector, a scalar divisor
            return relu6(elu(sigmoid(w) - 0.5))    // unary ops
        }
        let graph = Graph()
        let (output, summary) = try graph.asDefault {
            let px = try placeholder(shape: [nil, 50, 70, 33], name: "x")
            let py = try placeholder(shape: [nil, 50, 70, 33], name: "y")
            let output = try program(px, py)
            return (output, output)
        }
        _ = summary
        let session = try Session(graph: graph)
        let steps = try session.planSummary([output], feedShapes: ["x": shape, "y": shape]).steps
        #expect(steps.count == 1 && steps[0].count == 9, "\(steps)")
        let planned = try session.run(output, feeds: ["x": x, "y": y])
        let eager = try Graph().asDefault { try program(x, y) }
        #expect(planned == eager)
    }

    @Test func onlyTheOpsAFetchNeedsRun() throws {
        let graph = Graph()
        let (x, y, doubled) = try graph.asDefault {
            let x = try placeholder(shape: [3], name: "x")
            let y = try placeholder(shape: [3], name: "y")
            return (x, y, x * 2)
        }
        _ = y
        let session = try Session(graph: graph)
        // `y` is not needed for `doubled`, so it need not be fed.
        let value = try Tensor(shape: [3], scalars: [1, -2, 3])
        #expect(try session.run(doubled, feeds: ["x": value]).scalars == [2, -4, 6])
        // A placeholder fetched is its feed; a plain tensor is returned as it is.
        let both = try session.run([x, doubled, value], feeds: ["x": value])
        #expect(both.map(\.scalars) == [[1, -2, 3], [2, -4, 6], [1, -2, 3]])
    }

    /// 10^4 runs reuse one plan and one arena. Resident memory is the whole test process's, where
    /// other suites run in parallel (a photo test can hold 300 MB for a while), so the runs are
    /// timed in two halves and the smaller growth counts: a run that kept its arena (8 images:
    /// 80 KB a run) would grow each half by 400 MB, a neighbour's peak shows in one half at most.
    /// LeakSanitizer (scripts/sanitizers) catches lost buffers of any size.
    @Test func memoryStaysFlatOverManyRuns() throws {
        let (_, session, _, logits) = try Self.digitsSession()
        let batch = try Initializer.randomNormal(seed: 9).tensor(shape: [8, 8, 8, 1])
        let first = try session.run(logits, feeds: ["images": batch])
        var growths: [Int] = []
        for _ in 0..<2 {
            let start = Self.residentBytes()
            for _ in 0..<5_000 { _ = try session.run(logits, feeds: ["images": batch]) }
            growths.append(Self.residentBytes() - start)
        }
        #expect(growths.min()! < 256 << 20, "resident memory grew by \(growths) bytes over two halves of 10^4 runs")
        #expect(session.cacheCounts == (1, 1))
        #expect(try session.run(logits, feeds: ["images": batch]) == first)
    }

    static func residentBytes() -> Int {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
        return (Int(statm.split(separator: " ")[1]) ?? 0) * 4096
    }

    /// A plan whose intermediates, each allocatable, would not fit in memory together is
    /// refused when it is compiled, naming the sizes — nothing is allocated.
    @Test func intermediatesThatCannotFitTogetherAreRefused() throws {
        // Three resized images of about half the machine's memory each, alive together.
        let side = Int((Double(ProcessInfo.processInfo.physicalMemory) / 8).squareRoot()) + 1
        let graph = Graph()
        let output = try graph.asDefault {
            let x = try placeholder(shape: [1, 2, 2, 1], name: "x")
            let big = try (0..<3).map { _ in try resizeNearestNeighbor(x, size: [side, side]) }
            return try (big[0] + big[1]) + big[2]
        }
        let error = #expect(throws: TensorScopeError.self) {
            try Session(graph: graph).run(output, feeds: ["x": Tensor(zeros: [1, 2, 2, 1])])
        }
        #expect(error?.description.hasPrefix("Session.run: expected intermediate values that fit together in this machine's") == true,
                "\(String(describing: error))")
    }
}

/// Every op fixture built on placeholders and run through a Session equals the op run eagerly,
/// bit for bit — with the inputs' shapes known, and with the first input's first dimension
/// unknown (`nil`), so the plan infers every shape from the feeds.
@Suite struct SessionOpFixtureTests {
    @Test(arguments: try OpFixture.all().filter { $0.op != "argmax" })  // argmax returns indices, not a tensor
    func sessionEqualsEager(_ f: OpFixture) throws {
        let xs = try f.inputs.map { try $0.tensor }
        let eager = try Graph().asDefault { try OpTensorFlowTests.output(f, xs) }
        for unknownFirst in [false, true] {
            let graph = Graph()
            let (inputs, output) = try graph.asDefault {
                let inputs = try xs.enumerated().map { i, x in
                    try placeholder(shape: x.shape.enumerated().map { $0 == 0 && i == 0 && unknownFirst ? nil : $1 },
                                    name: "in\(i)")
                }
                return (inputs, try OpTensorFlowTests.output(f, inputs))
            }
            #expect(output.isSymbolic)
            let feeds = Dictionary(uniqueKeysWithValues: zip(inputs.map { $0.opName! }, xs))
            let planned = try Session(graph: graph).run(output, feeds: feeds)
            #expect(planned.shape == eager.shape, "\(f.name)")
            let same = planned.scalarCount == eager.scalarCount
                && zip(planned.scalars, eager.scalars).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            #expect(same, "\(f.name), first dimension unknown: \(unknownFirst)")
            // The recorded op is the eager one's, under the same name and type.
            let eagerGraph = Graph()
            _ = try eagerGraph.asDefault { try OpTensorFlowTests.output(f, xs) }
            #expect(graph.operations.last?.type == eagerGraph.operations.last?.type)
            #expect(graph.operations.last?.name == eagerGraph.operations.last?.name)
        }
    }
}
