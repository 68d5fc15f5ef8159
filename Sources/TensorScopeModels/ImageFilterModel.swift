import TensorScope

/// Runs `myImageFilter` on several batches with one set of shared variables, in one of the
/// three ways TensorFlow 1.x shares them.
public enum ImageFilterModel {
    /// The 4 variables `myImageFilter` creates under `image_filters`, with their shapes.
    public static func variableShapes(channels: Int) -> [String: [Int]] {
        ["image_filters/conv1/weights": [5, 5, channels, 32], "image_filters/conv1/biases": [32],
         "image_filters/conv2/weights": [5, 5, 32, 32], "image_filters/conv2/biases": [32]]
    }

    /// `myImageFilter` on each batch in the current graph; the first batch creates the
    /// variables under `image_filters`, the others share them as `method` says (see
    /// `SharingMethod`).
    ///
    /// Each tower runs inside `readingVariables`, so a concurrent `restoreVariables` never gives
    /// one tower weights from two checkpoints. `progress` is called with each batch's index
    /// when it is done.
    public static func run(
        _ batches: [Tensor], method: SharingMethod, seed: Int? = nil, progress: (Int) -> Void = { _ in }
    ) throws -> [Tensor] {
        guard let first = batches.first else { return [] }
        var outputs: [Tensor] = []
        switch method {
        case .reuseVariables:
            try variableScope("image_filters") { scope in
                outputs.append(try Graph.current.readingVariables { try myImageFilter(first, seed: seed) })
                progress(0)
                scope.reuseVariables()
                for (i, batch) in batches.enumerated().dropFirst() {
                    outputs.append(try Graph.current.readingVariables { try myImageFilter(batch, seed: seed) })
                    progress(i)
                }
            }
        default:
            let scope = try variableScope("image_filters") { scope in
                outputs.append(try Graph.current.readingVariables { try myImageFilter(first, seed: seed) })
                progress(0)
                return scope
            }
            for (i, batch) in batches.enumerated().dropFirst() {
                let body = { (_: VariableScope) in try Graph.current.readingVariables { try myImageFilter(batch, seed: seed) } }
                outputs.append(method == .reuseTrue
                    ? try variableScope("image_filters", reuse: true, body)
                    : try variableScope(scope, reuse: true, body))
                progress(i)
            }
        }
        return outputs
    }
}
