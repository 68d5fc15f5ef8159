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

    /// The seed program's graph, built once in the current graph on two placeholders, `image1`
    /// and `image2` (`[nil, nil, nil, channels]`, any batch and size): the first tower creates the
    /// 4 variables under `image_filters`, the second shares them as `method` says — what
    /// TensorFlow 1.x builds before its `Session` runs.
    public struct Towers: Sendable {
        /// Runs the towers; made after both were built.
        public let session: Session
        /// The placeholders, fed by name (`"image1"`, `"image2"`).
        public let inputs: [Tensor]
        /// Each tower's output, `[batch, height, width, 32]`.
        public let outputs: [Tensor]
    }

    /// Builds `Towers` in the current graph (see `Towers`).
    public static func towers(method: SharingMethod, seed: Int? = nil, channels: Int) throws -> Towers {
        let inputs = try ["image1", "image2"].map { try placeholder(shape: [nil, nil, nil, channels], name: $0) }
        var pending = inputs.makeIterator()
        var outputs: [Tensor] = []
        try stream(method: method, seed: seed, next: { pending.next() }) { _, output in outputs.append(output) }
        return Towers(session: try Session(graph: Graph.current), inputs: inputs, outputs: outputs)
    }

    /// `stream` through a `Session`: the graph is built once (`towers`), the first batch is run
    /// through the first tower and every later one through the second, so the graph does not
    /// grow with the number of batches. Outputs equal `stream`'s bit for bit.
    public static func streamThroughSession(
        method: SharingMethod, seed: Int? = nil, channels: Int, next: () throws -> Tensor?,
        consume: (Int, Tensor) throws -> Void
    ) throws {
        let towers = try towers(method: method, seed: seed, channels: channels)
        var index = 0
        while let batch = try next() {
            let tower = index == 0 ? 0 : 1
            let output = try towers.session.run(towers.outputs[tower], feeds: [towers.inputs[tower].opName!: batch])
            try consume(index, output)
            index += 1
        }
    }
}

