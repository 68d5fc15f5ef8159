import Foundation
import Testing
import CConvKernels
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

/// TensorScope's own kernels on the shapes their tiling makes hard — channel tails, tiles that
/// straddle rows and images, the row and tap forms of the indirection, one-pixel outputs, odd
/// batches — against the direct-loop reference, on every instruction set; and the packed
/// filter a variable keeps.
@Suite struct Conv2DKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        var input: [Int], filter: [Int], stride: Int, same: Bool, dilation = 1
        var description: String { "x \(input) w \(filter) s\(stride) d\(dilation) \(same ? "SAME" : "VALID")" }
    }

    static let cases: [Case] = [
        // Output channels around the 16/32 blocks: masked tails.
        Case(input: [1, 9, 10, 3], filter: [3, 3, 3, 1], stride: 1, same: true),
        Case(input: [2, 7, 9, 5], filter: [3, 3, 5, 15], stride: 1, same: true),
        Case(input: [1, 8, 8, 4], filter: [2, 2, 4, 16], stride: 1, same: false),
        Case(input: [1, 6, 11, 7], filter: [3, 3, 7, 17], stride: 2, same: true),
        Case(input: [1, 5, 5, 8], filter: [5, 5, 8, 31], stride: 1, same: true),
        Case(input: [1, 12, 12, 2], filter: [3, 3, 2, 33], stride: 1, same: true),
        Case(input: [2, 10, 10, 16], filter: [3, 3, 16, 70], stride: 2, same: false),
        // Kernels 1×1 to 7×7, in channels 1, 3, odd, 32; RGB first layer.
        Case(input: [1, 17, 13, 1], filter: [7, 7, 1, 8], stride: 1, same: true),
        Case(input: [2, 30, 31, 3], filter: [5, 5, 3, 32], stride: 1, same: true),
        Case(input: [1, 9, 9, 32], filter: [1, 1, 32, 64], stride: 1, same: true),
        Case(input: [1, 9, 9, 32], filter: [1, 1, 32, 48], stride: 2, same: true),
        // 1 × 1 at stride 1: output pixel k reads input pixel k, so tiles run on across rows
        // and images (105 pixels: a short last tile with 6 and 8 per tile), channel tails.
        Case(input: [3, 5, 7, 10], filter: [1, 1, 10, 21], stride: 1, same: false),
        Case(input: [2, 3, 3, 5], filter: [1, 1, 5, 16], stride: 1, same: true),
        Case(input: [1, 11, 11, 9], filter: [6, 4, 9, 12], stride: 2, same: true),
        Case(input: [1, 16, 16, 32], filter: [5, 5, 32, 32], stride: 1, same: false),
        // One output pixel; a kernel larger than the input; batches of 1 and 33.
        Case(input: [1, 1, 1, 6], filter: [3, 3, 6, 20], stride: 1, same: true),
        Case(input: [1, 5, 5, 6], filter: [5, 5, 6, 20], stride: 1, same: false),
        Case(input: [1, 3, 2, 4], filter: [7, 7, 4, 9], stride: 1, same: true),
        Case(input: [33, 5, 7, 3], filter: [3, 3, 3, 32], stride: 1, same: true),
        // Whole runs of MR pixels take the direct kernel (one pointer per kernel row), short ones
        // the indirect kernel. Edge tiles whose kernel rows reach into the padding read them from
        // zero-padded copies on the run path (width 8·k + edges) and pixel by pixel where tiles
        // wrap rows (width 11); with 160 and 400 channels the copies outgrow the stack buffer and
        // edge tiles take the tap form while interior tiles keep the row form.
        Case(input: [2, 6, 16, 3], filter: [5, 5, 3, 24], stride: 1, same: true),
        Case(input: [2, 5, 11, 6], filter: [5, 3, 6, 40], stride: 1, same: true),
        Case(input: [1, 4, 19, 160], filter: [5, 5, 160, 16], stride: 1, same: true),
        Case(input: [1, 3, 21, 400], filter: [3, 3, 400, 8], stride: 2, same: true),
        // Whole runs of 4,000 channels at stride 2 would need 68,000 floats of zero row: they read
        // the padding through per-pixel pointers instead of the direct kernel.
        Case(input: [1, 2, 17, 4000], filter: [3, 3, 4000, 4], stride: 2, same: true),
        // Many channel blocks (5 with AVX-512, 10 with AVX2, a tail) over 64 input channels.
        Case(input: [2, 5, 9, 64], filter: [3, 3, 64, 150], stride: 1, same: true),
        // Dilation: the tap form of the indirection.
        Case(input: [1, 14, 14, 5], filter: [3, 3, 5, 18], stride: 1, same: true, dilation: 2),
        Case(input: [2, 13, 12, 4], filter: [3, 2, 4, 7], stride: 2, same: false, dilation: 3),
        // Small maps, batch-major (`ts_igemm_batch_group`): one pixel of MR images per tile, the
        // last group short (13 = 6 + 6 + 1 with AVX2, 8 + 5 with AVX-512); the digits CNN's
        // layers; stride 2, VALID, a kernel row past the bottom only, a 1 × 1 map.
        Case(input: [13, 4, 4, 16], filter: [3, 3, 16, 32], stride: 1, same: true),
        Case(input: [16, 8, 8, 1], filter: [3, 3, 1, 16], stride: 1, same: true),
        Case(input: [9, 6, 7, 5], filter: [3, 3, 5, 20], stride: 2, same: true),
        Case(input: [10, 5, 5, 3], filter: [2, 2, 3, 9], stride: 1, same: false),
        Case(input: [8, 5, 6, 3], filter: [2, 2, 3, 17], stride: 1, same: true),
        Case(input: [12, 1, 1, 7], filter: [3, 3, 7, 5], stride: 1, same: true),
        // Small maps of fewer images than MR: the images a range touches copied zero-padded,
        // tiles wrapping rows and images with per-pixel pointers into the copies.
        Case(input: [2, 4, 4, 16], filter: [3, 3, 16, 32], stride: 1, same: true),
        Case(input: [3, 12, 12, 3], filter: [3, 3, 3, 10], stride: 1, same: false),
        Case(input: [5, 7, 5, 2], filter: [5, 3, 2, 8], stride: 2, same: true),
    ]

    /// Random small maps of 6 to 19 images — batch-major where they qualify, padded copies or
    /// runs of pixels where not (asymmetric strides, dilated rows or columns, kernels up to
    /// 5 × 5, both paddings, channel tails) — against the direct-loop reference, bias and ReLU
    /// fused, on every instruction set.
    @Test(arguments: KernelISA.allCases)
    func randomSmallMapsMatchTheDirectLoop(isa: KernelISA) throws {
        guard isa.isSupported else {
            print("notice: igemm/\(isa) not run: this CPU lacks \(isa.rawValue)")
            return
        }
        var rng = TestRandom(4242)
        var batchMajor = 0
        for index in 0..<60 {
            let (kh, kw) = (rng.int(1...5), rng.int(1...5))
            let (sh, sw) = (rng.int(1...3), rng.int(1...3))
            let (dh, dw) = index % 5 == 4 ? (rng.int(1...2), rng.int(1...2)) : (1, 1)
            let same = rng.int(0...1) == 1
            let height = rng.int(((kh - 1) * dh + 1)...12), width = rng.int(((kw - 1) * dw + 1)...12)
            let xs = [rng.int(6...19), height, width, rng.int(1...20)], ws = [kh, kw, xs[3], rng.int(1...40)]
            let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *)), b = rng.floats(ws[3])
            let geometry = try Conv2DGeometry(input: xs, filter: ws, strides: [sh, sw], padding: same ? .same : .valid,
                                              dilations: [dh, dw])
            if IndirectGEMM(geometry: geometry, isa: isa, packed: nil).batchGroup > 0 { batchMajor += 1 }
            let expected = try #require(ReferenceConv2D.conv(
                input: x, inputShape: xs, filter: w, filterShape: ws, stride: (sh, sw), dilation: (dh, dw), same: same))
            let y = try Conv2DAlgorithm.withPinned(.igemm) {
                try KernelISA.withPinned(isa) {
                    try conv2dBiasRelu(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w),
                                       bias: Tensor(shape: [ws[3]], scalars: b), strides: [sh, sw],
                                       padding: same ? .same : .valid, dilations: [dh, dw])
                }
            }
            #expect(y.shape == expected.shape)
            let biasedRelu = expected.values.enumerated().map { i, v in max(0, v + b[i % b.count]) }
            expectClose(y.scalars, biasedRelu, relative: 1e-4, "case \(index): x \(xs) w \(ws) s\(sh),\(sw) d\(dh),\(dw) \(same)")
        }
        #expect(batchMajor >= 30, "batch-major cases: \(batchMajor) of 60")
    }

    /// Which convolutions are computed batch-major: small maps of at least MR images that fit
    /// the driver's buffer zero-padded.
    @Test(arguments: KernelISA.allCases)
    func batchMajorIsChosenForSmallMapsOfManyImages(isa: KernelISA) throws {
        guard isa.isSupported else {
            print("notice: igemm/\(isa) not run: this CPU lacks \(isa.rawValue)")
            return
        }
        func group(_ input: [Int], _ filter: [Int], dilation: Int = 1) throws -> Int {
            let g = try Conv2DGeometry(input: input, filter: filter, strides: [1], padding: .same, dilations: [dilation])
            return IndirectGEMM(geometry: g, isa: isa, packed: nil).batchGroup
        }
        let mr = isa.tile.pixels
        #expect(try group([256, 8, 8, 1], [3, 3, 1, 16]) == mr)
        #expect(try group([256, 4, 4, 16], [3, 3, 16, 32]) == mr)
        #expect(try group([mr - 1, 4, 4, 16], [3, 3, 16, 32]) == 0)       // too few images
        #expect(try group([256, 24, 24, 3], [3, 3, 3, 28]) == 0)          // 576 pixels
        #expect(try group([256, 4, 4, 256], [3, 3, 256, 32]) == 0)        // MR padded images > 32 KiB
        #expect(try group([256, 8, 8, 1], [3, 3, 1, 16], dilation: 2) == 0)
    }

    @Test(arguments: cases, KernelISA.allCases)
    func ownKernelsMatchTheDirectLoop(_ c: Case, isa: KernelISA) throws {
        guard isa.isSupported else {
            print("notice: igemm/\(isa) not run: this CPU lacks \(isa.rawValue)")
            return
        }
        var rng = TestRandom(UInt64(c.input.reduce(7, *) + c.filter.reduce(1, *)))
        let x = rng.floats(c.input.reduce(1, *)), w = rng.floats(c.filter.reduce(1, *))
        let b = rng.floats(c.filter[3])
        let expected = try #require(ReferenceConv2D.conv(
            input: x, inputShape: c.input, filter: w, filterShape: c.filter, stride: (c.stride, c.stride),
            dilation: (c.dilation, c.dilation), same: c.same))
        let (input, filter, bias) = (try Tensor(shape: c.input, scalars: x), try Tensor(shape: c.filter, scalars: w),
                                     try Tensor(shape: [c.filter[3]], scalars: b))
        let padding: Padding = c.same ? .same : .valid
        // Streamed (by the kernel where one block is the whole pixel, through a tile buffer
        // otherwise) and stored normally.
        for streaming in [false, true] {
            let (plain, fused) = try Conv2DAlgorithm.withPinned(.igemm) {
                try KernelISA.withPinned(isa) {
                    try IndirectGEMM.$pinnedStreaming.withValue(streaming) {
                        let geometry = try Conv2DGeometry(input: c.input, filter: c.filter, strides: [c.stride],
                                                          padding: padding, dilations: [c.dilation])
                        #expect(Conv2DPlanner.choose(for: geometry).algorithm == .igemm)
                        return (try conv2d(input, filter, strides: [c.stride], padding: padding, dilations: [c.dilation]),
                                try conv2dBiasRelu(input, filter, bias: bias, strides: [c.stride], padding: padding,
                                                   dilations: [c.dilation]))
                    }
                }
            }
            let label = "\(c) \(isa)\(streaming ? " streamed" : "")"
            #expect(plain.shape == expected.shape)
            expectClose(plain.scalars, expected.values, relative: 1e-4, label)
            let biasedRelu = expected.values.enumerated().map { i, v in max(0, v + b[i % b.count]) }
            expectClose(fused.scalars, biasedRelu, relative: 1e-4, "fused \(label)")
        }
    }

    /// Outputs of 16 MiB and more are written with non-temporal stores, smaller ones are not.
    @Test func onlyLargeOutputsAreStreamed() throws {
        let isa = try #require(KernelISA.current)
        let large = try Conv2DGeometry(input: [1, 512, 512, 1], filter: [3, 3, 1, 16], strides: [1], padding: .same, dilations: [1])
        let small = try Conv2DGeometry(input: [1, 511, 512, 1], filter: [3, 3, 1, 16], strides: [1], padding: .same, dilations: [1])
        #expect(IndirectGEMM(geometry: large, isa: isa, packed: nil).streamsOutput)
        #expect(!IndirectGEMM(geometry: small, isa: isa, packed: nil).streamsOutput)
    }

    /// A variable's filter is packed once and repacked after `assign`: results follow the value.
    @Test func aVariablesPackedFilterFollowsItsValue() throws {
        var rng = TestRandom(99)
        let x = try Tensor(shape: [1, 6, 6, 4], scalars: rng.floats(144))
        let first = try Tensor(shape: [3, 3, 4, 20], scalars: rng.floats(720))
        let second = try Tensor(shape: [3, 3, 4, 20], scalars: rng.floats(720))
        try Graph().asDefault {
            let w = try getVariable("w", shape: [3, 3, 4, 20], initializer: .zeros)
            try Conv2DAlgorithm.withPinned(.igemm) {
                for value in [first, second, first] {
                    try w.assign(value)
                    let a = try conv2d(x, w, padding: .same)
                    let b = try conv2d(x, w, padding: .same)  // from the cached packing
                    let reference = try conv2d(x, value, padding: .same)  // a plain tensor, packed afresh
                    #expect(a == reference && b == reference)
                }
            }
        }
    }

    /// `TENSORSCOPE_EMULATE_AVX512=1` (scripts/test-emulated-avx512) makes the AVX-512 row
    /// real on a CPU with AVX2 but not AVX-512 — with its 8 × 32 tile — so that run exercises
    /// the 8 × 32 paths rather than skipping them; so does a build that compiled the AVX-512
    /// source through SIMDe (scripts/test-avx512-source). Otherwise only a CPU with AVX-512F has it.
    @Test func avx512IsThereWhereTheCPUOrTheEmulationProvidesIt() {
        let flags = Set(String(cString: ts_cpu_flags()).split(separator: " ").map(String.init))
        let onAVX2 = !flags.contains("avx512f") && flags.isSuperset(of: ["avx2", "fma"])
        let emulating = ProcessInfo.processInfo.environment["TENSORSCOPE_EMULATE_AVX512"] == "1" && onAVX2
        let viaSIMDe = ts_avx512_via_simde() != 0 && onAVX2
        #expect(KernelISA.avx512.isSupported == (flags.contains("avx512f") || emulating || viaSIMDe))
        if KernelISA.avx512.isSupported {
            #expect(KernelISA.avx512.tile.pixels == 8 && KernelISA.avx512.tile.channels == 32)
        }
    }

    /// The planner's choice: own kernels where the CPU has them and the kernel fits.
    @Test func plannerPrefersOwnKernelsAndFallsBack() throws {
        let common = try Conv2DGeometry(input: [1, 8, 8, 3], filter: [5, 5, 3, 32], strides: [1], padding: .same, dilations: [1])
        // 16 channels out: not the planar kernels' (which take any kernel size).
        let huge = try Conv2DGeometry(input: [1, 20, 20, 1], filter: [9, 9, 1, 16], strides: [1], padding: .same, dilations: [1])
        let expected: Conv2DAlgorithm = KernelISA.best == nil ? .im2col : .igemm
        #expect(Conv2DPlanner.choose(for: common, pinned: nil).algorithm == expected)
        #expect(Conv2DPlanner.choose(for: huge, pinned: nil).algorithm == .im2col)  // 81 taps > 64
        #expect(Conv2DPlanner.choose(for: common, pinned: .im2col).algorithm == .im2col)
    }
}
