import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels

/// The classic-CNN ops against the plain references of Support/ReferenceOps.swift on random
/// cases, their errors, and the Tensor conveniences.
@Suite struct OpReferenceTests {
    @Test func poolingMatchesTheDirectLoopOnRandomCases() throws {
        var rng = TestRandom(4242)
        var checked = 0, refused = 0
        while checked < 200 {
            // Channel counts below, at and past the 4-, 8-, 16- and 32-lane loops, with tails:
            // one to four vectors after the blocks of 32, the last whole or partial.
            let channels = [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 24, 28, 35, 40, 67][rng.int(0...15)]
            let xs = [rng.int(1...2), rng.int(1...9), rng.int(1...9), channels]
            let k = (rng.int(1...4), rng.int(1...4)), s = (rng.int(1...4), rng.int(1...4))
            let same = rng.int(0...1) == 0, isMax = rng.int(0...1) == 0
            let x = rng.floats(xs.reduce(1, *))
            let input = try Tensor(shape: xs, scalars: x)
            let run = {
                isMax ? try maxPool(input, ksize: [k.0, k.1], strides: [s.0, s.1], padding: same ? .same : .valid)
                      : try avgPool(input, ksize: [k.0, k.1], strides: [s.0, s.1], padding: same ? .same : .valid)
            }
            guard let expected = ReferenceOps.pool(x, xs, k: k, s: s, same: same, max: isMax) else {
                #expect(throws: TensorScopeError.self) { _ = try run() }
                refused += 1
                continue
            }
            let y = try run()
            #expect(y.shape == expected.shape)
            expectClose(y.scalars, expected.values, relative: 1e-5, "pool \(xs) k\(k) s\(s) same \(same) max \(isMax)")
            // The portable Swift loop as well, where the op took the AVX2 kernel.
            let g = try PoolGeometry(input: xs, ksize: [k.0, k.1], strides: [s.0, s.1], padding: same ? .same : .valid, op: "pool")
            var portable = [Float](repeating: .nan, count: expected.values.count)
            Pooling.run(isMax ? .max : .average, g, input: x, output: &portable, portable: true)
            expectClose(portable, expected.values, relative: 1e-5, "portable pool \(xs) k\(k) s\(s) same \(same) max \(isMax)")
            checked += 1
        }
        #expect(refused > 0)
    }

    /// Inputs of 64 Ki floats and more are pooled on every core, in tiles of output rows that
    /// need not divide the batch.
    @Test func poolingLargeInputsOnEveryCoreMatchesTheDirectLoop() throws {
        var rng = TestRandom(99)
        for (xs, k, s, same) in [([3, 41, 45, 24], (3, 3), (2, 2), true), ([2, 64, 30, 35], (2, 3), (2, 1), false),
                                 ([1, 300, 300, 1], (2, 2), (2, 2), true)] {
            let x = rng.floats(xs.reduce(1, *))
            #expect(x.count >= 1 << 16)
            let input = try Tensor(shape: xs, scalars: x)
            for isMax in [true, false] {
                let padding: Padding = same ? .same : .valid
                let y = isMax ? try maxPool(input, ksize: [k.0, k.1], strides: [s.0, s.1], padding: padding)
                              : try avgPool(input, ksize: [k.0, k.1], strides: [s.0, s.1], padding: padding)
                let expected = try #require(ReferenceOps.pool(x, xs, k: k, s: s, same: same, max: isMax))
                #expect(y.shape == expected.shape)
                expectClose(y.scalars, expected.values, relative: 1e-5, "pool \(xs) k\(k) s\(s) max \(isMax)")
            }
        }
    }

    @Test func matmulSoftmaxArgmaxAndActivationsMatchTheReferences() throws {
        var rng = TestRandom(77)
        for _ in 0..<40 {
            let (m, k, n) = (rng.int(1...9), rng.int(1...9), rng.int(1...9))
            let (ta, tb) = (rng.int(0...1) == 1, rng.int(0...1) == 1)
            let ashape = ta ? [k, m] : [m, k], bshape = tb ? [n, k] : [k, n]
            let a = rng.floats(m * k), b = rng.floats(k * n)
            let y = try matmul(Tensor(shape: ashape, scalars: a), Tensor(shape: bshape, scalars: b), transposeA: ta, transposeB: tb)
            #expect(y.shape == [m, n])
            expectClose(y.scalars, ReferenceOps.matmul(a, ashape, b, bshape, ta: ta, tb: tb), relative: 1e-5, "matmul")
            let logits = rng.floats(m * n).map { $0 * 20 }
            let t = try Tensor(shape: [m, n], scalars: logits)
            expectClose(try softmax(t).scalars, ReferenceOps.softmax(logits, width: n), relative: 1e-5, "softmax")
            #expect(try argmax(t, axis: 1) == ReferenceOps.argmax(logits, [m, n], axis: 1))
            #expect(try argmax(t, axis: 0) == ReferenceOps.argmax(logits, [m, n], axis: 0))
            expectClose(sigmoid(t).scalars, logits.map { Float(1 / (1 + Foundation.exp(-Double($0)))) }, relative: 1e-6, "sigmoid")
            expectClose(tanh(t).scalars, logits.map { Float(Foundation.tanh(Double($0))) }, relative: 1e-6, "tanh")
        }
        // Softmax rows sum to 1 even for logits whose exponentials overflow.
        let big = try softmax(Tensor([[1e30, 1e30, -1e30]]))
        #expect(big.scalars == [0.5, 0.5, 0])
    }

    /// `matmul` with neither operand transposed runs as a 1 × 1 convolution on the convolution
    /// kernels (more than `MatMul.smallRows` rows): against the reference on every instruction
    /// set and algorithm, around the kernels' tile sizes; and, as TensorFlow's MatMul, it gives
    /// NaN for NaN without an error, eagerly and with a bias and ReLU fused in a Session.
    @Test func matmulOnTheConvolutionKernels() throws {
        var rng = TestRandom(78)
        for (m, k, n) in [(5, 3, 2), (256, 128, 64), (37, 65, 10), (100, 1, 33)] {
            let a = rng.floats(m * k), b = rng.floats(k * n)
            let expected = ReferenceOps.matmul(a, [m, k], b, [k, n], ta: false, tb: false)
            for algorithm in Conv2DAlgorithm.allCases {
                for isa in KernelISA.allCases where isa.isSupported {
                    let y = try Conv2DAlgorithm.withPinned(algorithm) {
                        try KernelISA.withPinned(isa) {
                            try matmul(Tensor(shape: [m, k], scalars: a), Tensor(shape: [k, n], scalars: b))
                        }
                    }
                    #expect(y.shape == [m, n])
                    expectClose(y.scalars, expected, relative: 1e-5, "matmul \(m)×\(k)×\(n) \(algorithm) \(isa)")
                }
            }
        }
        var a = rng.floats(16 * 8)
        a[3 * 8 + 2] = .nan
        let b = try Tensor(shape: [8, 4], scalars: rng.floats(32)), bias = try Tensor(shape: [4], scalars: [1, -1, 0.5, .nan])
        let x = try Tensor(shape: [16, 8], scalars: a)
        let graph = Graph()
        let (input, output) = try graph.asDefault {
            let input = try placeholder(shape: [nil, 8], name: "x")
            return (input, relu(try biasAdd(try matmul(input, b), bias)))
        }
        _ = input
        let eager = try Graph().asDefault { relu(try biasAdd(try matmul(x, b), bias)) }
        let session = try Session(graph: graph)
        #expect(try session.planSummary([output], feedShapes: ["x": [16, 8]]).steps == [["MatMul", "BiasAdd", "Relu"]])
        let planned = try session.run(output, feeds: ["x": x])
        for (i, (e, p)) in zip(eager.scalars, planned.scalars).enumerated() {
            let (row, column) = i.quotientAndRemainder(dividingBy: 4)
            #expect(e.isNaN == (row == 3 || column == 3) && p.isNaN == e.isNaN && (e.isNaN || e == p), "element \(i)")
        }
    }

    @Test func subMulAndScalarsBroadcastAsAddDoes() throws {
        let a = try Tensor([[1, 2, 3], [4, 5, 6]])
        let v = Tensor([10, 20, 30])
        #expect(try (a - v).scalars == [-9, -18, -27, -6, -15, -24])
        #expect(try (v - a).scalars == [9, 18, 27, 6, 15, 24])
        #expect(try (a * v).scalars == [10, 40, 90, 40, 100, 180])
        #expect(try (a * a).scalars == [1, 4, 9, 16, 25, 36])
        #expect((a + 1).scalars == [2, 3, 4, 5, 6, 7])
        #expect((1 - a).scalars == [0, -1, -2, -3, -4, -5])
        #expect((a * 0.5).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect(try (a - Tensor(2)).scalars == [-1, 0, 1, 2, 3, 4])
        let error = #expect(throws: TensorScopeError.self) { try a - Tensor([1, 2]) }
        #expect(error?.description == "sub: expected equal shapes, or a scalar or a [C] vector matching the other operand's last axis, got shapes [2, 3] and [2]")
        // [1, C] and [1, 1] repeat as [C] and a scalar do (Keras keeps PReLU slopes as [1, 1, C]);
        // a column [2, 1] does not (TensorFlow would broadcast it; TensorScope refuses it).
        #expect(try (a * Tensor([[1, 2, 3]])).scalars == [1, 4, 9, 4, 10, 18])
        #expect(try (a - Tensor([[1]])).scalars == [0, 1, 2, 3, 4, 5])
        #expect(try (Tensor([[[1, 2, 3]]]) * v).shape == [1, 1, 3])
        #expect(throws: TensorScopeError.self) { try a * Tensor([[1], [2]]) }
        // A vector of higher rank than the tensor would grow the output's rank: refused.
        #expect(throws: TensorScopeError.self) { try Tensor([[[0.5, 1, 2]]]) * a }
    }

    @Test func errorsNameTheOpAndTheShapes() throws {
        let x = Tensor(zeros: [1, 4, 4, 2])
        let cases: [(String, () throws -> Any)] = [
            ("maxPool: expected input of rank 4", { try maxPool(Tensor(zeros: [4, 4]), ksize: [2], strides: [2], padding: .same) }),
            ("avgPool: expected VALID padding with an input height of at least the dilated kernel size 5", {
                try avgPool(x, ksize: [5], strides: [1], padding: .valid) }),
            ("maxPool: expected ksize of 1 in the batch and channel positions", {
                try maxPool(x, ksize: [2, 2, 2, 2], strides: [1], padding: .same) }),
            ("maxPool: expected positive strides", { try maxPool(x, ksize: [2], strides: [0], padding: .same) }),
            ("reshape: expected dimensions of at least 0, and at most one -1", { try reshape(x, [-1, -1]) }),
            ("reshape: expected a shape with 32 elements", { try reshape(x, [5, 7]) }),
            ("reshape: expected a shape whose -1 a whole size fills", { try reshape(x, [5, -1]) }),
            ("matmul: expected two 2-D tensors", { try matmul(x, x) }),
            ("matmul: expected inner dimensions that agree (a gives 3)", {
                try matmul(Tensor(zeros: [2, 3]), Tensor(zeros: [4, 2])) }),
            ("softmax: expected a tensor of rank at least 1", { try softmax(Tensor(1)) }),
            ("argmax: expected an axis in -4..<4", { try argmax(x, axis: 4) }),
            ("argmax: expected a non-empty axis", { try argmax(Tensor(zeros: [2, 0]), axis: 1) }),
        ]
        for (prefix, run) in cases {
            let error = #expect(throws: TensorScopeError.self) { _ = try run() }
            #expect(error?.description.hasPrefix(prefix) == true, "\(String(describing: error)) should start \(prefix)")
        }
    }

    @Test func opsRecordTensorFlowNamesAndFailedOnesUseThemUp() throws {
        let graph = Graph()
        try graph.asDefault {
            let x = Tensor(zeros: [1, 4, 4, 2])
            _ = try? maxPool(x, ksize: [9], strides: [1], padding: .valid)
            _ = try maxPool(x, ksize: [2], strides: [2], padding: .same)
            _ = try avgPool(x, ksize: [2], strides: [2], padding: .same)
            let flat = try reshape(x, [1, -1])
            let logits = try matmul(flat, Tensor(zeros: [32, 10]))
            _ = try softmax(logits)
            _ = try argmax(logits, axis: 1)
            _ = try logits - logits
            _ = try logits * logits
            _ = sigmoid(logits)
            _ = tanh(logits)
        }
        #expect(graph.operations.map(\.name) == ["MaxPool2d_1", "AvgPool2D", "Reshape", "MatMul", "Softmax", "ArgMax",
                                                 "sub", "mul", "Sigmoid", "Tanh"])
        #expect(graph.operations.map(\.type) == ["MaxPool", "AvgPool", "Reshape", "MatMul", "Softmax", "ArgMax",
                                                 "Sub", "Mul", "Sigmoid", "Tanh"])
        #expect(graph.operations[3].inputs == ["Reshape", "MatMul/b"])
        #expect(graph.operations[0].attributes["ksize"] == .ints([1, 2, 2, 1]))
    }

    @Test func tensorConveniences() throws {
        let t = try Tensor([[[[1], [2]], [[3], [4]]]])
        #expect(t.shape == [1, 2, 2, 1] && t.rank == 4)
        #expect(t[0, 1, 1, 0] == 4 && t[0, 1, 0, 0] == 3)
        #expect(try Tensor([[1, 2, 3], [4, 5, 6]]).description == "[[1.0, 2.0, 3.0],\n [4.0, 5.0, 6.0]] shape=[2, 3]")
        #expect(Tensor([1, 2, 3, 4, 5, 6, 7, 8]).description == "[1.0, 2.0, 3.0, ..., 6.0, 7.0, 8.0] shape=[8]")
        #expect(Tensor(2.5).description == "2.5 shape=[]")
        #expect(try Tensor([[Float]]()).shape == [0, 0])
        let ragged = #expect(throws: TensorScopeError.self) { try Tensor([[1, 2], [3]]) }
        #expect(ragged?.description == "Tensor([[Float]]): expected parts of one shape ([2], as the first), got part 1 of shape [1]")
    }

    /// Transpose against the definition, element by element: output index `i` reads input
    /// index `j` with `j[perm[k]] = i[k]`, on random shapes of rank 1–5 and every permutation
    /// of the small ranks (rows kept at the end, or not); and a `perm` that is no permutation.
    @Test func transposeMatchesTheDefinitionOnRandomCases() throws {
        var rng = TestRandom(99)
        func permutations(_ n: Int) -> [[Int]] {
            n == 0 ? [[]] : permutations(n - 1).flatMap { p in (0...p.count).map { var q = p; q.insert(n - 1, at: $0); return q } }
        }
        var checked = 0
        for rank in 1...5 {
            for perm in permutations(rank).filter({ _ in rank <= 3 || rng.int(0...5) == 0 }) {
                let shape = (0..<rank).map { _ in rng.int(1...4) }
                let count = shape.reduce(1, *)
                let values = (0..<count).map { Float($0) + 0.5 }
                let y = try transpose(try Tensor(shape: shape, scalars: values), perm: perm)
                #expect(y.shape == perm.map { shape[$0] })
                // Walk every output index and read the input where the definition says.
                var out = [Float](repeating: .nan, count: count)
                for flat in 0..<count {
                    var rest = flat
                    var index = [Int](repeating: 0, count: rank)
                    for k in (0..<rank).reversed() { index[k] = rest % y.shape[k]; rest /= y.shape[k] }
                    var source = [Int](repeating: 0, count: rank)
                    for k in 0..<rank { source[perm[k]] = index[k] }
                    let offset = source.indices.reduce(0) { $0 * shape[$1] + source[$1] }
                    out[flat] = values[offset]
                }
                #expect(y.scalars == out, "shape \(shape) perm \(perm)")
                checked += 1
            }
        }
        #expect(checked > 20)
        for bad in [[0, 0, 1], [0, 1], [0, 1, 3]] {
            let error = #expect(throws: TensorScopeError.self) { try transpose(Tensor(zeros: [2, 3, 4]), perm: bad) }
            #expect(error?.description.hasPrefix("transpose: expected perm, a permutation of 0..<3") == true)
        }
    }

    /// Batch normalisation against its formula in Double, `(x − mean) · scale / √(var + ε) +
    /// offset` per channel, on random shapes; and its refusals.
    @Test func fusedBatchNormMatchesTheFormula() throws {
        var rng = TestRandom(7)
        for _ in 0..<20 {
            let shape = [rng.int(1...3), rng.int(1...5), rng.int(1...5), rng.int(1...9)]
            let c = shape[3]
            let x = rng.floats(shape.reduce(1, *)).map { $0 * 4 }
            let (scale, offset, mean) = (rng.floats(c), rng.floats(c), rng.floats(c))
            let variance = rng.floats(c).map { abs($0) + 0.05 }
            let epsilon = Float(rng.int(1...100)) * 1e-4
            let y = try fusedBatchNorm(try Tensor(shape: shape, scalars: x), scale: Tensor(scale), offset: Tensor(offset),
                                       mean: Tensor(mean), variance: Tensor(variance), epsilon: epsilon)
            let expected = x.indices.map { i -> Float in
                let ch = i % c
                return Float((Double(x[i]) - Double(mean[ch])) * Double(scale[ch]) / (Double(variance[ch]) + Double(epsilon)).squareRoot()
                             + Double(offset[ch]))
            }
            #expect(y.shape == shape)
            expectClose(y.scalars, expected, relative: 1e-5, "fusedBatchNorm \(shape)")
        }
        let x = Tensor(zeros: [1, 2, 2, 3]), v = Tensor([1, 1, 1])
        let rank = #expect(throws: TensorScopeError.self) { try fusedBatchNorm(Tensor(zeros: [2, 3]), scale: v, offset: v, mean: v, variance: v) }
        #expect(rank?.description == "fusedBatchNorm: expected x of rank 4 (NHWC), got shape [2, 3]")
        let length = #expect(throws: TensorScopeError.self) { try fusedBatchNorm(x, scale: v, offset: Tensor([1, 1]), mean: v, variance: v) }
        #expect(length?.description == "fusedBatchNorm: expected offset of shape [3] for x [1, 2, 2, 3], got shape [2]")
        #expect(throws: TensorScopeError.self) { try fusedBatchNorm(x, scale: v, offset: v, mean: v, variance: v, epsilon: -1) }
    }

    /// maximum/minimum against Swift's own `max`/`min` with NaN propagated, over long inputs
    /// (the 16-lane path and its tail) with NaNs on either side; squeeze, expandDims and concat
    /// against index arithmetic.
    @Test func maximumMinimumSqueezeExpandDimsAndConcatMatchTheirDefinitions() throws {
        var rng = TestRandom(31)
        var a = rng.floats(1000), b = rng.floats(1000)
        for i in stride(from: 0, to: 1000, by: 97) { a[i] = .nan }
        for i in stride(from: 5, to: 1000, by: 89) { b[i] = .nan }
        let (x, y) = (Tensor(a), Tensor(b))
        for (op, f) in [("maximum", { (p: Float, q: Float) in max(p, q) }), ("minimum", { (p: Float, q: Float) in min(p, q) })] {
            let got = try (op == "maximum" ? maximum(x, y) : minimum(x, y)).scalars
            let want = zip(a, b).map { $0.isNaN || $1.isNaN ? Float.nan : f($0, $1) }
            #expect(zip(got, want).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(op)")
        }
        let t = try Tensor(shape: [2, 1, 3, 1], scalars: (0..<6).map(Float.init))
        #expect(try squeeze(t).shape == [2, 3] && (try squeeze(t, axes: [-1])).shape == [2, 1, 3])
        #expect(try expandDims(t, axis: -1).shape == [2, 1, 3, 1, 1] && (try expandDims(t, axis: 0)).shape == [1, 2, 1, 3, 1])
        #expect(throws: TensorScopeError.self) { try squeeze(t, axes: [0]) }
        #expect(throws: TensorScopeError.self) { try expandDims(t, axis: 6) }
        // concat along each axis: element (i, j, k) of the result from the input it falls in.
        let p = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let q = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map { 100 + Float($0) })
        for axis in 0..<3 {
            let r = try concat([p, q], axis: axis - (axis == 2 ? 3 : 0))
            var shape = [2, 3, 4]
            shape[axis] *= 2
            #expect(r.shape == shape)
            for flat in 0..<r.scalarCount {
                let index = [flat / (shape[1] * shape[2]), flat / shape[2] % shape[1], flat % shape[2]]
                var source = index
                let second = index[axis] >= [2, 3, 4][axis]
                if second { source[axis] -= [2, 3, 4][axis] }
                let value = Float(source[0] * 12 + source[1] * 4 + source[2]) + (second ? 100 : 0)
                #expect(r.scalars[flat] == value, "axis \(axis) index \(index)")
            }
        }
        let mismatch = #expect(throws: TensorScopeError.self) { try concat([p, Tensor(zeros: [2, 2, 4])], axis: 0) }
        #expect(mismatch?.description == "concat: expected shapes equal to [2, 3, 4] but along axis 0, got shape [2, 2, 4] for tensor 1")
    }

    /// Mean, sum and max over each subset of a 3-D tensor's axes, with and without kept
    /// dimensions, against loops over every element; NaN in a max; no elements.
    @Test func reductionsMatchLoopsOverEveryElement() throws {
        var rng = TestRandom(12)
        let shape = [3, 4, 5]
        let values = rng.floats(60)
        let x = try Tensor(shape: shape, scalars: values)
        for mask in 1..<8 {
            let axes = (0..<3).filter { mask & (1 << $0) != 0 }
            for keep in [false, true] {
                let outShape = (0..<3).compactMap { axes.contains($0) ? (keep ? 1 : nil) : shape[$0] }
                var sums = [Double](repeating: 0, count: outShape.reduce(1, *)), maxes = [Float](repeating: -.infinity, count: sums.count)
                for i in 0..<3 { for j in 0..<4 { for k in 0..<5 {
                    let index = [i, j, k]
                    let kept = (0..<3).filter { !axes.contains($0) }
                    let o = kept.reduce(0) { $0 * shape[$1] + index[$1] }
                    sums[o] += Double(values[(i * 4 + j) * 5 + k])
                    maxes[o] = max(maxes[o], values[(i * 4 + j) * 5 + k])
                } } }
                let n = Double(axes.map { shape[$0] }.reduce(1, *))
                let mean = try reduceMean(x, axes: axes, keepDims: keep), sum = try reduceSum(x, axes: axes, keepDims: keep)
                let top = try reduceMax(x, axes: axes, keepDims: keep)
                #expect(mean.shape == outShape && sum.shape == outShape && top.shape == outShape, "\(axes) \(keep)")
                expectClose(mean.scalars, sums.map { Float($0 / n) }, relative: 1e-6, "mean \(axes)")
                expectClose(sum.scalars, sums.map { Float($0) }, relative: 1e-6, "sum \(axes)")
                #expect(top.scalars == maxes, "max \(axes)")
            }
        }
        #expect(try reduceMax(Tensor([1, .nan, 3]), axes: [0]).scalars[0].isNaN)
        #expect(try reduceSum(Tensor(zeros: [3, 0]), axes: [1]).scalars == [0, 0, 0])
        #expect(throws: TensorScopeError.self) { try reduceMean(x, axes: [3]) }
    }
}
