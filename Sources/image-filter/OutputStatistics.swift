import Foundation
import TensorScope

/// min, max, mean and the share of exact zeros (ReLU's sparsity) of a feature tensor.
struct OutputStatistics: CustomStringConvertible {
    var min: Float, max: Float, mean: Double, zeros: Double

    init(_ t: Tensor) {
        let values = t.scalars
        min = values.min() ?? 0
        max = values.max() ?? 0
        mean = values.reduce(0.0) { $0 + Double($1) } / Double(Swift.max(1, values.count))
        zeros = Double(values.filter { $0 == 0 }.count) / Double(Swift.max(1, values.count))
    }

    var description: String {
        String(format: "min %.4g max %.4g mean %.4g zeros %.1f%%", min, max, mean, zeros * 100)
    }
}
