import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels

/// The planar kernels (`Conv2DAlgorithm.planar`: lanes across output pixels, for layers of at
/// most 4 channels in and 12 out) against the nested-loop reference and plain loops for the
/// epilogue; every other conv test also runs pinned to them through `ConvPath.all`.
@Suite struct PlanarConvTests {
    /// Instruction sets whose rows have the planar kernel on this CPU.
    static var isas: [KernelISA] { KernelISA.allCases.filter(\.isSupported) }

    /// Random shapes the kernels take: row widths below, at and past whole blocks of 8 pixels,
    /// every channel count, kernels up to 5 × 5, both paddings.
    @Test(arguments: isas)
    func randomCasesMatchTheDirectLoop(isa: KernelISA) throws {
        var rng = TestRandom(2026_1203)
        var checked = 0
        while checked < 300 {
            let batch = rng.int(1...3), height = rng.int(1...14), width = rng.int(1...40)
            let channels = rng.int(1...4), outChannels = rng.int(1...12)
            let kh = rng.int(1...5), kw = rng.int(1...5)
            let same = rng.int(0...1) == 0
            guard same || (kh <= height && kw <= width) else { continue }
            let xs = [batch, height, width, channels], ws = [kh, kw, channels, outChannels]
            let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
            let expected = ReferenceConv2D.conv(
                input: x, inputShape: xs, filter: w, filterShape: ws, stride: (1, 1), dilation: (1, 1), same: same)!
            let geometry = try Conv2DGeometry(input: xs, filter: ws, strides: [1], padding: same ? .same : .valid,
                                              dilations: [1])
            let label = "\(isa): x \(xs) w \(ws) \(same ? "SAME" : "VALID")"
            #expect(Conv2DPlanner.choose(for: geometry, pinned: .planar, isa: isa) is PlanarConv, "\(label)")
            let y = try Conv2DAlgorithm.withPinned(.planar) {
                try KernelISA.withPinned(isa) {
                    try Graph().asDefault {
                        try conv2d(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w), padding: same ? .same : .valid)
                    }
                }
            }
            #expect(y.shape == expected.shape, "\(label)")
            expectClose(y.scalars, expected.values, label)
            checked += 1
        }
    }

    /// What it takes and what the planner gives it: stride 1, no dilation, few channels; rows
    /// of 16 pixels or more by default.
    @Test func theShapesItTakes() throws {
        guard let isa = KernelISA.current else { return }
        func geometry(_ x: [Int], _ w: [Int], stride: Int = 1, dilation: Int = 1) throws -> Conv2DGeometry {
            try Conv2DGeometry(input: x, filter: w, strides: [stride], padding: .valid, dilations: [dilation])
        }
        let pnet = try geometry([1, 160, 160, 3], [3, 3, 3, 10])
        #expect(PlanarConv.supports(pnet, isa: isa) && Conv2DPlanner.choose(for: pnet, pinned: nil) is PlanarConv)
        #expect(!PlanarConv.supports(try geometry([1, 160, 160, 5], [3, 3, 5, 10]), isa: isa))   // 5 channels in
        #expect(!PlanarConv.supports(try geometry([1, 160, 160, 3], [3, 3, 3, 13]), isa: isa))   // 13 out
        #expect(!PlanarConv.supports(try geometry([1, 160, 160, 3], [3, 3, 3, 10], stride: 2), isa: isa))
        #expect(!PlanarConv.supports(try geometry([1, 160, 160, 3], [3, 3, 3, 10], dilation: 2), isa: isa))
        #expect(!PlanarConv.supports(try geometry([1, 20, 20, 1], [9, 9, 1, 4]), isa: isa))  // 81 taps
        #expect(PlanarConv.supports(try geometry([1, 20, 20, 1], [8, 8, 1, 4]), isa: isa))
        // Rows of 10 pixels (detector-12's first layer): the indirect GEMM unless pinned.
        let narrow = try geometry([1, 12, 12, 3], [3, 3, 3, 10])
        #expect(Conv2DPlanner.choose(for: narrow, pinned: nil).algorithm == .igemm)
        #expect(Conv2DPlanner.choose(for: narrow, pinned: .planar).algorithm == .planar)
        // Pinned where it does not apply: the indirect GEMM.
        #expect(Conv2DPlanner.choose(for: try geometry([1, 16, 16, 8], [3, 3, 8, 8]), pinned: .planar).algorithm == .igemm)
    }

    /// Bias and each activation in the kernel's store, through a Session (one fused step) and
    /// eagerly (three ops, the convolution planar too): equal bit for bit, and within 1e-4 of
    /// the reference convolution followed by plain loops.
    @Test(arguments: ["None", "Relu", "Relu6", "LeakyRelu", "Elu", "Prelu"])
    func fusedEpilogueMatchesPlainLoops(_ activation: String) throws {
        var rng = TestRandom(11)
        let xs = [2, 9, 21, 3], ws = [3, 3, 3, 10]
        let x = try Tensor(shape: xs, scalars: rng.floats(xs.reduce(1, *)).map { $0 * 3 })
        let w = try Tensor(shape: ws, scalars: rng.floats(ws.reduce(1, *)))
        let b = try Tensor(shape: [10], scalars: rng.floats(10))
        let alpha = try Tensor(shape: [10], scalars: rng.floats(10))
        func layer(_ input: Tensor) throws -> Tensor {
            try activationNamed(activation, try biasAdd(try conv2d(input, w, padding: .same), b), alpha: alpha)
        }
        func plain(_ v: Float, channel: Int) -> Float {
            switch activation {
            case "Relu": return max(v, 0)
            case "Relu6": return min(max(v, 0), 6)
            case "LeakyRelu": return v < 0 ? 0.1 * v : v
            case "Elu": return v < 0 ? Float(Foundation.exp(Double(v)) - 1) : v
            case "Prelu": return v < 0 ? alpha.scalars[channel] * v : v
            default: return v
            }
        }
        let reference = ReferenceConv2D.conv(input: x.scalars, inputShape: xs, filter: w.scalars, filterShape: ws,
                                             stride: (1, 1), dilation: (1, 1), same: true)!
        let expected = reference.values.enumerated().map { i, v in plain(v + b.scalars[i % 10], channel: i % 10) }
        let graph = Graph()
        let output = try graph.asDefault { try layer(try placeholder(shape: [nil, 9, 21, 3], name: "images")) }
        let session = try Session(graph: graph)
        let fusedSteps = activation == "None" ? [["Conv2D", "BiasAdd"]] : [["Conv2D", "BiasAdd", activation]]
        #expect(try session.planSummary([output], feedShapes: ["images": xs]).steps == fusedSteps)
        for isa in Self.isas {
            try Conv2DAlgorithm.withPinned(.planar) {
                try KernelISA.withPinned(isa) {
                    let planned = try session.run(output, feeds: ["images": x])
                    let eager = try Graph().asDefault { try layer(x) }
                    #expect(planned == eager, "\(activation) \(isa)")
                    expectClose(planned.scalars, expected, "\(activation) \(isa) against plain loops")
                }
            }
        }
    }

    /// NaN and overflow are reported as for the other algorithms; the lanes past a row's last
    /// pixel are not: here they would overflow where every real output is finite.
    @Test func nonFiniteSumsAreReportedOnlyForRealPixels() throws {
        // VALID 1 × 3 over 10 columns: 8 output pixels, then a block of lanes for nothing.
        var x = [Float](repeating: 1, count: 11)
        x[10] = 3e38  // read by the last real pixel through the third tap only
        let w: [Float] = [10, 10, 1e-3]
        let y = try Conv2DAlgorithm.withPinned(.planar) {
            try Graph().asDefault {
                try conv2d(Tensor(shape: [1, 1, 11, 1], scalars: x), Tensor(shape: [1, 3, 1, 1], scalars: w),
                           padding: .valid)
            }
        }
        let expected = (0..<9).map { j in (0..<3).reduce(Float(0)) { $0 + x[j + $1] * w[$1] } }
        #expect(y.shape == [1, 1, 9, 1])
        expectClose(y.scalars, expected, "the real pixels")
        for (value, what) in [(Float.nan, "finite input values"), (Float.infinity, "finite input values")] {
            var bad = [Float](repeating: 1, count: 2 * 20 * 3)
            bad[77] = value
            #expect {
                try Conv2DAlgorithm.withPinned(.planar) {
                    try Graph().asDefault {
                        try conv2d(Tensor(shape: [1, 2, 20, 3], scalars: bad), Tensor(repeating: 0.5, shape: [1, 1, 3, 4]),
                                   padding: .valid)
                    }
                }
            } throws: { "\($0)".contains(what) && "\($0)".contains("[0, 1, 5, 2]") }
        }
        let huge = [Float](repeating: 3e38, count: 20 * 3)
        #expect {
            try Conv2DAlgorithm.withPinned(.planar) {
                try Graph().asDefault {
                    try conv2d(Tensor(shape: [1, 1, 20, 3], scalars: huge), Tensor(repeating: 2, shape: [1, 1, 3, 4]),
                               padding: .valid)
                }
            }
        } throws: { "\($0)".contains("overflow") }
    }

    /// The scratch it states: a band's planar copy per worker — (8 + kh − 1) rows of every
    /// input channel, or the image's rows when it has fewer, each the pixels of whole blocks of
    /// 8 plus kw − 1 — and the biases with PReLU's slopes.
    @Test func scratchIsOneBandPerWorker() throws {
        guard KernelISA.current != nil else { return }
        let bytes = try Conv2DAlgorithm.withPinned(.planar) {
            try conv2dScratchBytes(input: [4, 160, 157, 3], filter: [3, 5, 3, 10], padding: .valid)
        }
        // out 158 × 153: rows of 20 blocks of 8 pixels plus 4 columns; 10 rows of 3 planes.
        let workers = min(Workers.count, 4 * 20)
        #expect(bytes == 4 * (workers * (8 + 2) * 3 * (160 + 4) + 2 * 10))
        // A 7 × 7 kernel over 2 rows: the copy holds those 2 rows, not 8 + 6 (one band per image).
        let flat = try Conv2DAlgorithm.withPinned(.planar) {
            try conv2dScratchBytes(input: [1, 2, 300, 3], filter: [7, 7, 3, 4], padding: .same)
        }
        #expect(flat == 4 * (1 * 2 * 3 * (304 + 6) + 2 * 4))
    }
}
