import Foundation
import Testing
@testable import TensorScopeKernels
import TensorScope

/// Winograd F(4 × 4, 3 × 3): chosen when pinned, and by the planner for 64 channels or more,
/// only for stride-1 undilated 3 × 3 kernels; against a float64 sum from the definition with channel counts up to 256, where its
/// float32 rounding grows most — the error stays within the project's 1e-4 of the output's
/// scale. (Every conv test also runs pinned to it through `ConvPath.all`.)
@Suite struct WinogradTests {
    @Test func pinnedOnlyWhereItApplies() throws {
        let g = try Conv2DGeometry(input: [1, 9, 9, 8], filter: [3, 3, 8, 4], strides: [1], padding: .same, dilations: [1])
        #expect(Conv2DPlanner.choose(for: g, pinned: .winograd).algorithm == .winograd)
        #expect(Conv2DPlanner.choose(for: g, pinned: nil).algorithm != .winograd)  // 8 channels: the indirect GEMM
        let deep = try Conv2DGeometry(input: [1, 14, 14, 64], filter: [3, 3, 64, 64], strides: [1], padding: .same, dilations: [1])
        #expect(Conv2DPlanner.choose(for: deep, pinned: nil).algorithm == .winograd)  // preferred from 64 channels
        #expect(Conv2DPlanner.choose(for: deep, pinned: .igemm).algorithm != .winograd)
        for (filter, strides, dilations) in [([5, 5, 8, 4], 1, 1), ([3, 3, 8, 4], 2, 1), ([3, 3, 8, 4], 1, 2), ([1, 3, 8, 4], 1, 1)] {
            let other = try Conv2DGeometry(input: [1, 9, 9, 8], filter: filter, strides: [strides], padding: .same,
                                           dilations: [dilations])
            #expect(!WinogradF43.supports(other), "\(filter) s\(strides) d\(dilations)")
        }
    }

    @Test(arguments: [(16, 16), (64, 32), (256, 8)])
    func matchesFloat64WithManyChannels(_ channels: Int, _ outputs: Int) throws {
        var rng = TestRandom(UInt64(channels * 31 + outputs))
        let xs = [2, 11, 10, channels], ws = [3, 3, channels, outputs]
        let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
        for same in [true, false] {
            let y = try Graph().asDefault {
                try Conv2DAlgorithm.withPinned(.winograd) {
                    try conv2d(Tensor(shape: xs, scalars: x), Tensor(shape: ws, scalars: w), padding: same ? .same : .valid)
                }
            }
            let expected = try #require(ReferenceConv2D.conv(
                input: x, inputShape: xs, filter: w, filterShape: ws, stride: (1, 1), dilation: (1, 1), same: same))
            #expect(y.shape == expected.shape)
            expectClose(y.scalars, expected.values, relative: 1e-4, "C \(channels) K \(outputs) same \(same)")
        }
    }
}
