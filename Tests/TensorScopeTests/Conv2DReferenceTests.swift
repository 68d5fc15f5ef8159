import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

/// conv2d (im2col + sgemm) against the nested-loop reference on random cases.
@Suite struct Conv2DReferenceTests {
    /// Every algorithm and instruction set, pinned.
    @Test(arguments: ConvPath.all)
    func twoHundredFiftyRandomCasesMatchTheDirectLoop(path: ConvPath) throws {
        try path.run { try randomCasesMatchTheDirectLoop() }
    }

    func randomCasesMatchTheDirectLoop() throws {
        var rng = TestRandom(2026_1126)
        var checked = 0
        var validSkipped = 0
        while checked < 250 {
            let batch = rng.int(1...3)
            let height = rng.int(1...12), width = rng.int(1...12)
            let channels = rng.int(1...8), outChannels = rng.int(1...8)
            let kh = rng.int(1...5), kw = rng.int(1...5)
            let stride = (rng.int(1...3), rng.int(1...3))
            let dilation = (rng.int(1...3), rng.int(1...3))
            let same = rng.int(0...1) == 0
            let xs = [batch, height, width, channels], ws = [kh, kw, channels, outChannels]
            let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
            guard let expected = ReferenceConv2D.conv(
                input: x, inputShape: xs, filter: w, filterShape: ws, stride: stride, dilation: dilation, same: same)
            else {
                // VALID with a dilated kernel larger than the input: must be an error.
                #expect(throws: TensorScopeError.self) {
                    try conv2d(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w),
                               strides: [stride.0, stride.1], padding: .valid, dilations: [dilation.0, dilation.1])
                }
                validSkipped += 1
                continue
            }
            // Strides and dilations in all three of TF's spellings, by turns.
            let form = checked % 3
            let strides = form == 0 ? [1, stride.0, stride.1, 1] : [stride.0, stride.1]
            let dilations = form == 2 && dilation.0 == dilation.1 ? [dilation.0] : [1, dilation.0, dilation.1, 1]
            let y = try conv2d(
                Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w),
                strides: strides, padding: same ? .same : .valid, dilations: dilations)
            let label = "x \(xs) w \(ws) strides \(stride) dilations \(dilation) \(same ? "SAME" : "VALID")"
            #expect(y.shape == expected.shape, "\(label)")
            expectClose(y.scalars, expected.values, relative: 1e-4, label)
            checked += 1
        }
        #expect(validSkipped > 0, "the random cases should include oversize VALID kernels")
    }

    /// Large enough that the output rows span several im2col tiles and both workers.
    @Test func multiTileConvolutionMatchesTheDirectLoop() throws {
        var rng = TestRandom(7)
        let xs = [2, 40, 37, 16], ws = [5, 5, 16, 8]
        let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
        let geometry = try Conv2DGeometry(input: xs, filter: ws, strides: [1], padding: .same, dilations: [1])
        #expect(Im2ColGEMM(geometry: geometry).tileCount > 2)
        let y = try conv2d(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w), padding: .same)
        let expected = try #require(ReferenceConv2D.conv(
            input: x, inputShape: xs, filter: w, filterShape: ws, stride: (1, 1), dilation: (1, 1), same: true))
        expectClose(y.scalars, expected.values, "multi-tile")
    }

    @Test(arguments: Conv2DAlgorithm.allCases)
    func pointwiseConvolutionNeedsNoIm2colAndMatches(algorithm: Conv2DAlgorithm) throws {
        var rng = TestRandom(11)
        let xs = [3, 9, 7, 6], ws = [1, 1, 6, 5]
        let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
        let scratch = try Conv2DAlgorithm.withPinned(algorithm) { try conv2dScratchBytes(input: xs, filter: ws, padding: .same) }
        let y = try Conv2DAlgorithm.withPinned(algorithm) {
            try conv2d(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w), padding: .same)
        }
        if let isa = KernelISA.current, algorithm != .im2col {  // Winograd takes no 1×1: the indirect GEMM runs it
            // Zeros for a run of MR pixels (kw = 1, stride 1: MR · inChannels), the bias padded to
            // a channel block, the filter packed to one block.
            #expect(scratch == 4 * (isa.tile.pixels * 6 + isa.tile.channels + 6 * isa.tile.channels))
        } else {
            #expect(scratch == 0)
        }
        let expected = try #require(ReferenceConv2D.conv(
            input: x, inputShape: xs, filter: w, filterShape: ws, stride: (1, 1), dilation: (1, 1), same: true))
        expectClose(y.scalars, expected.values, "pointwise")
    }

    @Test func im2colScratchIsBoundedWhateverTheBatchAndImageSize() throws {
        try Conv2DAlgorithm.withPinned(.im2col) {
            let small = try conv2dScratchBytes(input: [1, 32, 32, 32], filter: [5, 5, 32, 32], padding: .same)
            let huge = try conv2dScratchBytes(input: [64, 512, 512, 32], filter: [5, 5, 32, 32], padding: .same)
            let bound = Workers.count * max(Im2ColGEMM.tileBudgetBytes, 5 * 5 * 32 * 4)
            #expect(huge <= bound)
            #expect(small <= bound)
            // A filter whose single im2col row exceeds the budget still gets exactly one row per core.
            let wide = try conv2dScratchBytes(input: [1, 4, 4, 20_000], filter: [5, 5, 20_000, 1], padding: .same)
            #expect(wide <= Workers.count * 5 * 5 * 20_000 * 4)
        }
    }

    /// Own kernels: a run of zero rows, the padded bias and (for a filter that is not a variable) the
    /// packed filter — the same for any batch or image size.
    @Test func igemmScratchIsTheFilterAndAZeroRow() throws {
        let isa = try #require(KernelISA.current)
        try Conv2DAlgorithm.withPinned(.igemm) {
            let small = try conv2dScratchBytes(input: [1, 32, 32, 32], filter: [5, 5, 32, 40], padding: .same)
            let huge = try conv2dScratchBytes(input: [64, 512, 512, 32], filter: [5, 5, 32, 40], padding: .same)
            let blocks = (40 + isa.tile.channels - 1) / isa.tile.channels
            #expect(small == huge)
            // Zeros for a run of MR pixels' kernel rows (stride 1, kw 5, 32 channels), the padded
            // bias, the packed filter.
            let zeros = (isa.tile.pixels - 1 + 5) * 32
            #expect(small == 4 * (zeros + blocks * isa.tile.channels + 5 * 5 * 32 * blocks * isa.tile.channels))
        }
    }
}
