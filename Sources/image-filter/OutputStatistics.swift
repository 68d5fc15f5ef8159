import CImageKernels
import Foundation
import TensorScope

/// min, max, mean and the share of exact zeros (ReLU's sparsity) of a feature tensor.
struct OutputStatistics: CustomStringConvertible {
    var min: Float, max: Float, mean: Double, zeros: Double

    /// One vectorised pass (`ts_summary`), no copies: the forward pass waits for it.
    init(_ t: Tensor) {
        var (low, high, sum, zeroCount): (Float, Float, Double, Int) = (0, 0, 0, 0)
        t.withUnsafeBufferPointer { ts_summary($0.baseAddress, $0.count, &low, &high, &sum, &zeroCount) }
        let count = Double(Swift.max(1, t.scalars.count))
        (min, max, mean, zeros) = t.scalars.isEmpty ? (0, 0, 0, 0) : (low, high, sum / count, Double(zeroCount) / count)
    }

    var description: String {
        String(format: "min %.4g max %.4g mean %.4g zeros %.1f%%", min, max, mean, zeros * 100)
    }
}
