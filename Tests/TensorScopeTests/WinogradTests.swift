import Foundation
import Testing
@testable import TensorScopeKernels
import TensorScope

/// Winograd F(4 × 4, 3 × 3), F(2 × 2, 5 × 5) and F(3 × 3, 5 × 5): chosen when pinned, and by the
/// planner where F(4 × 4, 3 × 3)'s estimate says so or for 16 (5 × 5) channels or more, only for
/// stride-1 undilated kernels of their size — 5 × 5 in 3 × 3 tiles unless the map's sides leave
/// them emptier than 2 × 2 ones;
/// against a float64 sum from the definition with channel counts up to 256, where their float32
/// rounding grows most — the error stays within the project's 1e-4 of the output's scale.
/// (Every conv test also runs pinned to them through `ConvPath.all`.)
@Suite struct WinogradTests {
    @Test func pinnedOnlyWhereItApplies() throws {
        let own = KernelISA.current != nil
        let g = try Conv2DGeometry(input: [1, 9, 9, 8], filter: [3, 3, 8, 4], strides: [1], padding: .same, dilations: [1])
        #expect((Conv2DPlanner.choose(for: g, pinned: .winograd) is WinogradF43) == own)
        #expect(Conv2DPlanner.choose(for: g, pinned: nil).algorithm != .winograd)  // 8 channels: the indirect GEMM
        let deep = try Conv2DGeometry(input: [1, 14, 14, 64], filter: [3, 3, 64, 64], strides: [1], padding: .same, dilations: [1])
        #expect((Conv2DPlanner.choose(for: deep, pinned: nil) is WinogradF43) == own)
        // The planner's estimate: 16 → 16 on 56 × 56 maps is worth it; 28 → 48 on 9 × 9 (tiles
        // half outside the output), an RGB input, a single tile and a digits net's batch-major
        // 4 × 4 maps are not.
        for (input, filter, padding, preferred) in [
            ([8, 56, 56, 16], [3, 3, 16, 16], Padding.same, true), ([100, 11, 11, 28], [3, 3, 28, 48], .valid, false),
            ([8, 56, 56, 3], [3, 3, 3, 32], .same, false), ([1, 4, 4, 16], [3, 3, 16, 32], .same, false),
            ([256, 4, 4, 16], [3, 3, 16, 32], .same, false), ([100, 23, 23, 32], [3, 3, 32, 64], .valid, true),
        ] {
            let shape = try Conv2DGeometry(input: input, filter: filter, strides: [1], padding: padding, dilations: [1])
            #expect((Conv2DPlanner.choose(for: shape, pinned: nil) is WinogradF43) == (own && preferred), "\(input) * \(filter)")
        }
        #expect(Conv2DPlanner.choose(for: deep, pinned: .igemm).algorithm != .winograd)
        for (filter, strides, dilations) in [([5, 5, 8, 4], 1, 1), ([3, 3, 8, 4], 2, 1), ([3, 3, 8, 4], 1, 2), ([1, 3, 8, 4], 1, 1),
                                             ([3, 3, 8, 4097], 1, 1)] {
            let other = try Conv2DGeometry(input: [1, 9, 9, 8], filter: filter, strides: [strides], padding: .same,
                                           dilations: [dilations])
            #expect(!WinogradF43.supports(other), "\(filter) s\(strides) d\(dilations)")
        }
        // 5 × 5, stride 1, undilated; preferred from 16 channels in and out.
        let seed = try Conv2DGeometry(input: [8, 64, 64, 32], filter: [5, 5, 32, 32], strides: [1], padding: .same, dilations: [1])
        let rgb = try Conv2DGeometry(input: [8, 64, 64, 3], filter: [5, 5, 3, 32], strides: [1], padding: .same, dilations: [1])
        #expect((Conv2DPlanner.choose(for: seed, pinned: nil) as? Winograd5x5)?.tile == (own ? 3 : nil))
        #expect(!(Conv2DPlanner.choose(for: rgb, pinned: nil) is Winograd5x5))  // 3 channels: the indirect GEMM
        #expect((Conv2DPlanner.choose(for: rgb, pinned: .winograd) is Winograd5x5) == own)
        // The tile with fewer products over the map: 2 × 2 on 4 × 4 maps (4 · 36 against 4 · 49)
        // and 2 × 2 ones (36 against 49), 3 × 3 from 5 × 5 on (4 · 49 against 9 · 36), pinned
        // either way.
        for (side, tile) in [(1, 2), (2, 2), (3, 3), (4, 2), (5, 3), (6, 3), (7, 3), (8, 3), (64, 3)] {
            let g = try Conv2DGeometry(input: [1, side, side, 16], filter: [5, 5, 16, 16], strides: [1], padding: .same,
                                       dilations: [1])
            #expect(Winograd5x5.preferredTile(g) == tile, "\(side) × \(side)")
            for pin in [2, 3] {
                #expect(Winograd5x5.$pinnedTile.withValue(pin) { Winograd5x5.preferredTile(g) } == pin)
            }
        }
        for (filter, strides, dilations) in [([3, 3, 8, 4], 1, 1), ([5, 5, 8, 4], 2, 1), ([5, 5, 8, 4], 1, 2), ([5, 3, 8, 4], 1, 1),
                                             ([5, 5, 8, 4097], 1, 1)] {
            let other = try Conv2DGeometry(input: [1, 9, 9, 8], filter: filter, strides: [strides], padding: .same,
                                           dilations: [dilations])
            #expect(!Winograd5x5.supports(other), "\(filter) s\(strides) d\(dilations)")
        }
    }

    /// The 5 × 5 variants' scratch: one block of MR tiles' transformed values per core, the
    /// transformed filter (not a variable's) and leaky ReLU's slopes — the same for any batch or
    /// image size; a² floats per channel pair and tile for a × a input patches (6 × 6 for
    /// F(2 × 2, 5 × 5), 7 × 7 for F(3 × 3, 5 × 5)).
    @Test(arguments: [(2, 6), (3, 7)])
    func fiveByFiveScratchIsABlockPerCoreAndTheFilter(tile: Int, points: Int) throws {
        let isa = try #require(KernelISA.current)
        try Conv2DAlgorithm.withPinned(.winograd) {
            try Winograd5x5.$pinnedTile.withValue(tile) {
                let small = try conv2dScratchBytes(input: [1, 32, 32, 32], filter: [5, 5, 32, 40], padding: .same)
                let huge = try conv2dScratchBytes(input: [64, 512, 512, 32], filter: [5, 5, 32, 40], padding: .same)
                #expect(small == huge)
                let blocks = (40 + isa.tile.channels - 1) / isa.tile.channels
                let filter = points * points * blocks * 32 * isa.tile.channels
                #expect(small == 4 * (filter + Workers.count * points * points * isa.tile.pixels * (32 + 40) + 40))
            }
        }
    }

    /// F(4 × 4, 3 × 3)'s scratch: a round of at most `roundBudgetBytes` of transformed inputs
    /// and products, the transformed filter (not a variable's) and leaky ReLU's slopes — all of
    /// a small image's tiles in one round, a bounded round for any larger one.
    @Test func f43ScratchIsARoundAndTheFilter() throws {
        let isa = try #require(KernelISA.current)
        try Conv2DAlgorithm.withPinned(.winograd) {
            let small = try conv2dScratchBytes(input: [1, 16, 16, 20], filter: [3, 3, 20, 40], padding: .same)
            let huge = try conv2dScratchBytes(input: [64, 512, 512, 20], filter: [3, 3, 20, 40], padding: .same)
            let blocks = (40 + isa.tile.channels - 1) / isa.tile.channels
            let filter = 36 * blocks * 20 * isa.tile.channels
            let perTile = 36 * (24 + 48)  // input channels rounded up to 8, output channels to 16
            #expect(small == 4 * (filter + 16 * perTile + 40))  // 16 tiles of 4 × 4
            let round = WinogradF43.roundBudgetBytes / (4 * perTile)
            #expect(huge == 4 * (filter + round * perTile + 40))
            #expect(huge - 4 * filter <= WinogradF43.roundBudgetBytes + 160)
        }
    }

    @Test(arguments: [(3, 16, 16), (3, 64, 32), (3, 256, 8), (5, 3, 32), (5, 16, 16), (5, 13, 13), (5, 32, 32), (5, 64, 24), (5, 256, 8)])
    func matchesFloat64WithManyChannels(_ size: Int, _ channels: Int, _ outputs: Int) throws {
        var rng = TestRandom(UInt64(channels * 31 + outputs + size))
        let xs = [2, 11, 10, channels], ws = [size, size, channels, outputs]
        let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
        for same in [true, false] {
            let expected = try #require(ReferenceConv2D.conv(
                input: x, inputShape: xs, filter: w, filterShape: ws, stride: (1, 1), dilation: (1, 1), same: same))
            for path in ConvPath.all where path.algorithm == .winograd {
                guard let y = try path.run({
                    try Graph().asDefault {
                        try conv2d(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w), padding: same ? .same : .valid)
                    }
                }) else { continue }
                #expect(y.shape == expected.shape)
                expectClose(y.scalars, expected.values, relative: 1e-4, "\(path) C \(channels) K \(outputs) same \(same)")
            }
        }
    }
}
