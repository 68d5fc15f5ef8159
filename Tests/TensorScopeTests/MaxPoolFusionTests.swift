import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels

/// A `MaxPool` after a convolution is taken into its step in a Session: into the convolution's
/// pass where the kernels run batch-major (small maps, as the digits CNN's), otherwise the
/// convolution a group of images at a time into a buffer the pool reads — the same numbers as
/// the ops one by one, bit for bit, and as the direct-loop reference, for every algorithm.
@Suite struct MaxPoolFusionTests {
    struct Case: CustomStringConvertible, Sendable {
        var input: [Int], filter: [Int], stride = 1, same = true
        var pool: Int, poolStride: Int? = nil, poolSame: Bool
        var activation: String
        var description: String {
            "x \(input) w \(filter) s\(stride) \(same ? "SAME" : "VALID") pool \(pool)/\(poolStride ?? pool) \(poolSame ? "SAME" : "VALID") \(activation)"
        }
    }

    static let cases: [Case] = [
        // The digits CNN's first layer and pool; its second, with a bias and no activation (so
        // negative maxima); a SAME pool over an odd map (partial windows at the bottom and
        // right); a VALID pool that drops the last row and column; a 3 × 3 window; ELU (the
        // driver's pass over each tile) and PReLU; a short last group of images (13).
        Case(input: [16, 8, 8, 1], filter: [3, 3, 1, 16], pool: 2, poolSame: true, activation: "Relu"),
        Case(input: [13, 4, 4, 16], filter: [3, 3, 16, 32], pool: 2, poolSame: true, activation: "none"),
        Case(input: [9, 5, 5, 3], filter: [3, 3, 3, 20], pool: 2, poolSame: true, activation: "Elu"),
        Case(input: [9, 7, 7, 4], filter: [2, 2, 4, 9], same: false, pool: 2, poolSame: false, activation: "Prelu"),
        Case(input: [12, 9, 9, 2], filter: [3, 3, 2, 40], stride: 2, pool: 3, poolSame: false, activation: "Relu6"),
        // Pixel-major maps with overlapping windows, convolved a group of images at a time
        // (`Conv2DRunner.poolGroupFloats`): RNet's first layer, 45 crops in groups of 38 and 7;
        // ONet's, 9 crops in groups of 7 and 2; a planar layer (3 → 10) and its 2 × 2 pool.
        Case(input: [45, 24, 24, 3], filter: [3, 3, 3, 28], same: false, pool: 3, poolStride: 2, poolSame: true,
             activation: "Prelu"),
        Case(input: [9, 48, 48, 3], filter: [3, 3, 3, 32], same: false, pool: 3, poolStride: 2, poolSame: true,
             activation: "Relu"),
        Case(input: [3, 30, 30, 3], filter: [3, 3, 3, 10], same: false, pool: 2, poolSame: true, activation: "Prelu"),
    ]

    @Test(arguments: cases)
    func fusedPoolEqualsTheOpsAndTheReference(_ c: Case) throws {
        var rng = TestRandom(UInt64(c.input.reduce(3, *) + c.filter.reduce(1, *)))
        let x = try Tensor(shape: c.input, scalars: rng.floats(c.input.reduce(1, *)).map { $0 * 3 })
        let w = try Tensor(shape: c.filter, scalars: rng.floats(c.filter.reduce(1, *)))
        let channels = c.filter[3]
        let b = try Tensor(shape: [channels], scalars: rng.floats(channels))
        let alpha = try Tensor(shape: [channels], scalars: rng.floats(channels))
        let padding: Padding = c.same ? .same : .valid
        func layer(_ input: Tensor) throws -> Tensor {
            var z = try biasAdd(try conv2d(input, w, strides: [c.stride], padding: padding), b)
            switch c.activation {
            case "Relu": z = relu(z)
            case "Relu6": z = relu6(z)
            case "Elu": z = elu(z)
            case "Prelu": z = try prelu(z, alpha: alpha)
            default: break
            }
            return try maxPool(z, ksize: [c.pool], strides: [c.poolStride ?? c.pool], padding: c.poolSame ? .same : .valid,
                               name: "MaxPool")
        }
        let graph = Graph()
        let output = try graph.asDefault {
            try layer(try placeholder(shape: [nil] + Array(c.input.dropFirst()), name: "images"))
        }
        let session = try Session(graph: graph)
        let steps = try session.planSummary([output], feedShapes: ["images": c.input]).steps
        let activation = c.activation == "none" ? [] : [c.activation]
        #expect(steps == [["Conv2D", "BiasAdd"] + activation + ["MaxPool"]], "\(c)")

        // The reference: the direct loop, bias, activation, then a max over each window's cells
        // inside the map.
        let convolved = try #require(ReferenceConv2D.conv(
            input: x.scalars, inputShape: c.input, filter: w.scalars, filterShape: c.filter, stride: (c.stride, c.stride),
            dilation: (1, 1), same: c.same))
        let activated = convolved.values.enumerated().map { i, v -> Float in
            let k = i % channels
            let z = v + b.scalars[k]
            switch c.activation {
            case "Relu": return max(0, z)
            case "Relu6": return min(6, max(0, z))
            case "Elu": return z < 0 ? Float(Foundation.exp(Double(z)) - 1) : z
            case "Prelu": return z < 0 ? alpha.scalars[k] * z : z
            default: return z
            }
        }
        let (n, h, wd) = (convolved.shape[0], convolved.shape[1], convolved.shape[2])
        let ps = c.poolStride ?? c.pool
        let ph = c.poolSame ? (h + ps - 1) / ps : (h - c.pool) / ps + 1
        let pw = c.poolSame ? (wd + ps - 1) / ps : (wd - c.pool) / ps + 1
        let padTop = c.poolSame ? max(0, (ph - 1) * ps + c.pool - h) / 2 : 0
        let padLeft = c.poolSame ? max(0, (pw - 1) * ps + c.pool - wd) / 2 : 0
        var expected: [Float] = []
        for image in 0..<n {
            for i in 0..<ph {
                for j in 0..<pw {
                    for k in 0..<channels {
                        var m = -Float.greatestFiniteMagnitude
                        for y in (i * ps - padTop)..<(i * ps - padTop + c.pool) where y >= 0 && y < h {
                            for xx in (j * ps - padLeft)..<(j * ps - padLeft + c.pool) where xx >= 0 && xx < wd {
                                m = max(m, activated[((image * h + y) * wd + xx) * channels + k])
                            }
                        }
                        expected.append(m)
                    }
                }
            }
        }

        for algorithm in Conv2DAlgorithm.allCases {
            for isa in KernelISA.allCases where isa.isSupported {
                try Conv2DAlgorithm.withPinned(algorithm) {
                    try KernelISA.withPinned(isa) {
                        let eager = try Graph().asDefault { try layer(x) }
                        let planned = try session.run(output, feeds: ["images": x])
                        #expect(planned == eager, "\(c), \(algorithm) \(isa)")
                        #expect(planned.shape == [n, ph, pw, channels])
                        expectClose(planned.scalars, expected, relative: 1e-4, "\(c), \(algorithm) \(isa)")
                    }
                }
            }
        }
    }

    /// Random convolutions and pools on small maps of 6 to 19 images (strides, kernels, windows
    /// of 1 to 3, both paddings for each): a Session's result equals the ops run one by one, bit
    /// for bit, fused or not.
    @Test func randomFusedPoolsEqualTheOps() throws {
        var rng = TestRandom(777)
        var fusedCount = 0
        for index in 0..<30 {
            let k = rng.int(1...3), stride = rng.int(1...2), window = rng.int(1...3)
            let same = rng.int(0...1) == 1
            let xs = [rng.int(6...19), rng.int(k...10), rng.int(k...10), rng.int(1...12)]
            // A VALID pool needs a window's worth of the convolution's output.
            func convolved(_ n: Int) -> Int { same ? (n + stride - 1) / stride : (n - k) / stride + 1 }
            let poolSame = rng.int(0...1) == 1 || min(convolved(xs[1]), convolved(xs[2])) < window
            let ws = [k, k, xs[3], rng.int(1...24)]
            let x = try Tensor(shape: xs, scalars: rng.floats(xs.reduce(1, *)))
            let w = try Tensor(shape: ws, scalars: rng.floats(ws.reduce(1, *)))
            let b = try Tensor(shape: [ws[3]], scalars: rng.floats(ws[3]))
            func layer(_ input: Tensor) throws -> Tensor {
                let z = relu(try biasAdd(try conv2d(input, w, strides: [stride], padding: same ? .same : .valid), b))
                return try maxPool(z, ksize: [window], strides: [window], padding: poolSame ? .same : .valid)
            }
            let graph = Graph()
            let output = try graph.asDefault {
                try layer(try placeholder(shape: [nil] + Array(xs.dropFirst()), name: "images"))
            }
            let session = try Session(graph: graph)
            if try session.planSummary([output], feedShapes: ["images": xs]).steps.count == 1 { fusedCount += 1 }
            let eager = try Graph().asDefault { try layer(x) }
            let planned = try session.run(output, feeds: ["images": x])
            #expect(planned == eager, "case \(index): x \(xs) w \(ws) s\(stride) \(same) pool \(window) \(poolSame)")
        }
        #expect(KernelISA.current == nil || fusedCount >= 10, "fused: \(fusedCount) of 30")
    }

    /// A NaN in an image of a later group is reported at its index in the whole batch.
    @Test func aNonFiniteInputOfALaterGroupIsNamedInTheBatch() throws {
        let graph = Graph()
        let output = try graph.asDefault {
            let x = try placeholder(shape: [nil, 24, 24, 3], name: "images")
            let w = try getVariable("w", shape: [3, 3, 3, 28], initializer: .glorotUniform(seed: 2))
            return try maxPool(relu(try conv2d(x, w, padding: .valid)), ksize: [3], strides: [2], padding: .same)
        }
        let session = try Session(graph: graph)
        #expect(try session.planSummary([output], feedShapes: ["images": [45, 24, 24, 3]]).steps.count == 1)
        var values = [Float](repeating: 0.5, count: 45 * 24 * 24 * 3)
        values[((40 * 24 + 7) * 24 + 9) * 3 + 1] = .nan
        #expect {
            try session.run(output, feeds: ["images": try Tensor(shape: [45, 24, 24, 3], scalars: values)])
        } throws: { "\($0)".contains("finite input values") && "\($0)".contains("[40, 7, 9, 1]") }
    }

    /// Every max pool after a convolution is taken into its step, overlapping windows and large
    /// maps too; an average pool stays a step of its own.
    @Test func maxPoolsAfterAConvolutionAreFused() throws {
        func steps(_ input: [Int], pool: Int, stride: Int, average: Bool = false) throws -> [[String]] {
            let graph = Graph()
            let output = try graph.asDefault {
                let x = try placeholder(shape: [nil] + Array(input.dropFirst()), name: "images")
                let w = try getVariable("w", shape: [3, 3, input[3], 8], initializer: .glorotUniform(seed: 1))
                let z = relu(try conv2d(x, w, padding: .same))
                return average ? try avgPool(z, ksize: [pool], strides: [stride], padding: .same, name: "AvgPool")
                               : try maxPool(z, ksize: [pool], strides: [stride], padding: .same, name: "MaxPool")
            }
            return try Session(graph: graph).planSummary([output], feedShapes: ["images": input]).steps
        }
        #expect(try steps([32, 8, 8, 1], pool: 2, stride: 2) == [["Conv2D", "Relu", "MaxPool"]])
        #expect(try steps([32, 8, 8, 1], pool: 3, stride: 2) == [["Conv2D", "Relu", "MaxPool"]])
        #expect(try steps([32, 8, 8, 1], pool: 2, stride: 2, average: true) == [["Conv2D", "Relu"], ["AvgPool"]])
        #expect(try steps([2, 40, 40, 3], pool: 2, stride: 2) == [["Conv2D", "Relu", "MaxPool"]])
    }
}
