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
        var pending = batches.makeIterator()
        var outputs: [Tensor] = []
        try stream(method: method, seed: seed, next: { pending.next() }) { index, output in
            outputs.append(output)
            progress(index)
        }
        return outputs
    }

    /// `run` for a stream of batches that need not all exist at once: `next` supplies the next
    /// batch (nil at the end), `consume` receives each output with its batch's index as soon as
    /// it is computed — so memory holds one batch and its output, however many there are.
    public static func stream(
        method: SharingMethod, seed: Int? = nil, next: () throws -> Tensor?, consume: (Int, Tensor) throws -> Void
    ) throws {
        guard let first = try next() else { return }
        func tower(_ batch: Tensor) throws -> Tensor {
            try Graph.current.readingVariables { try myImageFilter(batch, seed: seed) }
        }
        var index = 0
        switch method {
        case .reuseVariables:
            try variableScope("image_filters") { scope in
                try consume(0, try tower(first))
                scope.reuseVariables()
                while let batch = try next() {
                    index += 1
                    try consume(index, try tower(batch))
                }
            }
        case .reuseTrue, .scopeObject:
            let scope = try variableScope("image_filters") { scope in
                try consume(0, try tower(first))
                return scope
            }
            while let batch = try next() {
                index += 1
                let output = method == .reuseTrue
                    ? try variableScope("image_filters", reuse: true) { _ in try tower(batch) }
                    : try variableScope(scope, reuse: true) { _ in try tower(batch) }
                try consume(index, output)
            }
        }
    }
}
