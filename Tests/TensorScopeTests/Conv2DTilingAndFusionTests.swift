import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

/// Both tilings of the engine, the fused conv2dBiasRelu, and a convolution large enough for
/// the huge-page path, each against the direct-loop reference.
@Suite struct Conv2DTilingAndFusionTests {
    @Test(arguments: [false, true])
    func bothTilingsMatchTheReference(smallProducts: Bool) throws {
        var rng = TestRandom(smallProducts ? 5 : 6)
        for (xs, ws, stride) in [([2, 23, 19, 32], [5, 5, 32, 32], 1), ([1, 30, 31, 3], [5, 5, 3, 32], 1),
                                 ([2, 17, 16, 64], [3, 3, 64, 64], 2), ([3, 9, 9, 7], [2, 3, 7, 5], 1)] {
            let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
            let geometry = try Conv2DGeometry(input: xs, filter: ws, strides: [stride], padding: .same, dilations: [1])
            let engine = Im2ColGEMM(geometry: geometry, smallProducts: smallProducts)
            if smallProducts && geometry.n * geometry.k <= 62_500 {
                // Small-matrix tiles: at least 24 rows, within OpenBLAS's M·N·K ≤ 10⁶.
                #expect(engine.rowsPerTile * geometry.n * geometry.k <= Im2ColGEMM.smallProductLimit || engine.rowsPerTile == geometry.m)
            }
            let y = try Conv2DRunner.run(geometry, input: Tensor(shape: xs, scalars: x), filter: Tensor(shape: ws, scalars: w),
                                         using: engine)
            let expected = try #require(ReferenceConv2D.conv(
                input: x, inputShape: xs, filter: w, filterShape: ws, stride: (stride, stride), dilation: (1, 1), same: true))
            expectClose(y.scalars, expected.values, "\(xs) * \(ws), small \(smallProducts)")
        }
    }

    @Test func fusedBiasReluEqualsTheUnfusedOpsAndRecordsTheirNames() throws {
        var rng = TestRandom(8)
        let x = try Tensor(shape: [2, 11, 13, 4], scalars: rng.floats(2 * 11 * 13 * 4))
        let w = try Tensor(shape: [3, 5, 4, 6], scalars: rng.floats(3 * 5 * 4 * 6))
        let b = try Tensor(shape: [6], scalars: rng.floats(6))
        let graph = Graph()
        let (fused, unfused) = try graph.asDefault {
            let fused = try nameScope("fused") { try conv2dBiasRelu(x, w, bias: b, strides: [1, 2], padding: .same) }
            let unfused = try nameScope("fused") { relu(try conv2d(x, w, strides: [1, 2], padding: .same) + b) }
            return (fused, unfused)
        }
        #expect(fused.shape == [2, 11, 7, 6])
        expectClose(fused.scalars, unfused.scalars, relative: 1e-6, "fused vs unfused")
        #expect(fused.scalars.contains(0) && fused.scalars.allSatisfy { $0 >= 0 })
        #expect(graph.operations.map(\.name) == ["fused/Conv2D", "fused/add", "fused/Relu",
                                                 "fused_1/Conv2D", "fused_1/add", "fused_1/Relu"])
        #expect(graph.operations.map(\.type) == ["Conv2D", "AddV2", "Relu", "Conv2D", "AddV2", "Relu"])
    }

    @Test func fusedBiasIsValidated() throws {
        let x = Tensor(zeros: [1, 4, 4, 2]), w = Tensor(zeros: [3, 3, 2, 3])
        let wrong = #expect(throws: TensorScopeError.self) { try conv2dBiasRelu(x, w, bias: Tensor(zeros: [2]), padding: .same) }
        #expect(wrong?.description.hasPrefix("conv2dBiasRelu: expected bias of shape [3]") == true)
        let nan = #expect(throws: TensorScopeError.self) {
            try conv2dBiasRelu(x, w, bias: Tensor(shape: [3], scalars: [0, .nan, 0]), padding: .same)
        }
        #expect(nan?.description.contains("finite bias") == true)
    }

    /// 1 × 256 × 256 × 32 floats = 8 MiB: large enough for the huge-page hint; checked at
    /// 400 positions against a direct sum.
    @Test func largeOutputsAreComputedCorrectly() throws {
        var rng = TestRandom(12)
        let xs = [1, 256, 256, 3], ws = [3, 3, 3, 32]
        let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
        let y = try conv2d(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w), padding: .same)
        #expect(y.scalarCount * 4 >= HugePages.threshold)
        for _ in 0..<400 {
            let (i, j, o) = (rng.int(0...255), rng.int(0...255), rng.int(0...31))
            var sum = 0.0
            for a in 0..<3 { for c in 0..<3 { for ci in 0..<3 {
                let (r, col) = (i - 1 + a, j - 1 + c)
                guard r >= 0, r < 256, col >= 0, col < 256 else { continue }
                sum += Double(x[(r * 256 + col) * 3 + ci]) * Double(w[((a * 3 + c) * 3 + ci) * 32 + o])
            } } }
            #expect(abs(Double(y.scalars[(i * 256 + j) * 32 + o]) - sum) <= 1e-4 * max(1, abs(sum)))
        }
    }
}
