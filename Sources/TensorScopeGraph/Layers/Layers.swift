import TensorScopeKernels

/// TensorFlow 1.x's `tf.compat.v1.layers`, over TensorScope's ops and `getVariable`: each layer
/// opens a variable scope named as TensorFlow names it — the layer's `name`, or its type
/// (`conv2d`, `dense`, …) made unique among the current variable scope's children (`conv2d`,
/// `conv2d_1`, …) — and creates its variables there (`conv2d/kernel`, `conv2d/bias`), so a
/// second tower in a reused scope shares them, as in TensorFlow. Its ops are named under the
/// scope's name scope (`conv2d/Conv2D`, `conv2d/BiasAdd`).
///
/// Layers run inference: `training: true` is refused. An activation is any function of a
/// tensor, written as a closure: `activation: { relu($0) }`.
public enum Layers {
    /// `tf.compat.v1.layers.conv2d`: a convolution with a `[kh, kw, in, filters]` `kernel`
    /// (Glorot-uniform), an optional `[filters]` `bias` (zeros), then `activation`.
    ///
    /// - Parameters:
    ///   - inputs: NHWC images (their channel count known).
    ///   - filters: output channels.
    ///   - kernelSize: `[k]` or `[kh, kw]`.
    ///   - strides: `[s]` or `[sh, sw]` (default 1).
    ///   - padding: `.valid` (default, as TensorFlow's layers) or `.same`.
    ///   - activation: applied last, inside the layer's scope.
    ///   - useBias: adds `bias` (default true).
    ///   - name: the layer's scope; nil for `conv2d` made unique.
    /// - Throws: `.invalidArgument` (message starting `conv2d layer:`) for inputs not of rank 4
    ///   or a bad kernel size; what `getVariable` and `conv2d` throw.
    public static func conv2d(
        _ inputs: some TensorConvertible, filters: Int, kernelSize: [Int], strides: [Int] = [1, 1],
        padding: Padding = .valid, activation: ((Tensor) throws -> Tensor)? = nil, useBias: Bool = true,
        name: String? = nil
    ) throws -> Tensor {
        try layer(name, "conv2d") {
            let shape = inputs.tensorValue.shape
            guard shape.count == 4, shape[3] > 0, filters > 0 else {
                throw TensorScopeError.invalidArgument(
                    "conv2d layer", expected: "inputs of rank 4 with known channels and filters of at least 1",
                    got: "inputs of shape \(shape), filters \(filters)")
            }
            let (kh, kw) = try pair(kernelSize, "kernelSize", layer: "conv2d layer")
            let kernel = try getVariable("kernel", shape: [kh, kw, shape[3], filters], initializer: .glorotUniform())
            let y = try TensorScopeGraph.conv2d(inputs, kernel, strides: strides, padding: padding)
            return try biasAndActivation(y, outputs: filters, useBias: useBias, activation)
        }
    }

    /// `tf.compat.v1.layers.dense`: `inputs · kernel` with a `[in, units]` `kernel`
    /// (Glorot-uniform), an optional `[units]` `bias` (zeros), then `activation`.
    ///
    /// - Parameters:
    ///   - inputs: `[batch, in]` (`in` known).
    ///   - units: output features.
    ///   - activation: applied last, inside the layer's scope.
    ///   - useBias: adds `bias` (default true).
    ///   - name: the layer's scope; nil for `dense` made unique.
    /// - Throws: `.invalidArgument` (message starting `dense layer:`) for inputs not of rank 2;
    ///   what `getVariable` and `matmul` throw.
    public static func dense(
        _ inputs: some TensorConvertible, units: Int, activation: ((Tensor) throws -> Tensor)? = nil,
        useBias: Bool = true, name: String? = nil
    ) throws -> Tensor {
        try layer(name, "dense") {
            let shape = inputs.tensorValue.shape
            guard shape.count == 2, shape[1] > 0, units > 0 else {
                throw TensorScopeError.invalidArgument(
                    "dense layer", expected: "inputs of rank 2 with known features and units of at least 1 (flatten first)",
                    got: "inputs of shape \(shape), units \(units)")
            }
            let kernel = try getVariable("kernel", shape: [shape[1], units], initializer: .glorotUniform())
            return try biasAndActivation(try matmul(inputs, kernel), outputs: units, useBias: useBias, activation)
        }
    }

    /// `tf.compat.v1.layers.max_pooling2d`: `maxPool` with `poolSize` and `strides` (`[k]` or
    /// `[kh, kw]`), in a layer scope named `max_pooling2d` (made unique) or `name`.
    ///
    /// - Parameters:
    ///   - inputs: NHWC images.
    ///   - poolSize: the window.
    ///   - strides: the step.
    ///   - padding: `.valid` (default) or `.same`.
    ///   - name: the layer's scope.
    /// - Throws: what `maxPool` throws.
    public static func maxPooling2d(
        _ inputs: some TensorConvertible, poolSize: [Int], strides: [Int], padding: Padding = .valid, name: String? = nil
    ) throws -> Tensor {
        // Named as the layer's op, `MaxPool` (tf.nn.max_pool2d's own default is `MaxPool2d`).
        try layer(name, "max_pooling2d") { try maxPool(inputs, ksize: poolSize, strides: strides, padding: padding, name: "MaxPool") }
    }

    /// `tf.compat.v1.layers.average_pooling2d`: `avgPool`, as `maxPooling2d`.
    ///
    /// - Parameters:
    ///   - inputs: NHWC images.
    ///   - poolSize: the window.
    ///   - strides: the step.
    ///   - padding: `.valid` (default) or `.same` (dividing by the real pixels).
    ///   - name: the layer's scope.
    /// - Throws: what `avgPool` throws.
    public static func averagePooling2d(
        _ inputs: some TensorConvertible, poolSize: [Int], strides: [Int], padding: Padding = .valid, name: String? = nil
    ) throws -> Tensor {
        try layer(name, "average_pooling2d") {
            try avgPool(inputs, ksize: poolSize, strides: strides, padding: padding, name: "AvgPool")
        }
    }

    /// `tf.compat.v1.layers.batch_normalization` at inference: the moving statistics applied
    /// with `gamma` (ones), `beta` (zeros), `moving_mean` (zeros) and `moving_variance` (ones,
    /// both not trainable), ε 0.001 — a `FusedBatchNormV3` for NHWC images (which a `Session`
    /// folds into the convolution before it when all are constants), TensorFlow's
    /// `batchnorm/…` ops for other ranks.
    ///
    /// - Parameters:
    ///   - inputs: a tensor whose last axis (the channels) is known.
    ///   - training: must be false: TensorScope runs inference.
    ///   - name: the layer's scope; nil for `batch_normalization` made unique.
    /// - Throws: `.invalidArgument` (message starting `batch_normalization layer:`) for
    ///   `training: true` or unknown channels; what `getVariable` throws.
    public static func batchNormalization(_ inputs: some TensorConvertible, training: Bool = false, name: String? = nil) throws -> Tensor {
        try layer(name, "batch_normalization") {
            let shape = inputs.tensorValue.shape
            guard !training else {
                throw TensorScopeError.invalidArgument("batch_normalization layer", expected: "training false (TensorScope runs inference)",
                                                       got: "training true")
            }
            guard let channels = shape.last, channels > 0 else {
                throw TensorScopeError.invalidArgument("batch_normalization layer", expected: "inputs with a known last axis",
                                                       got: "shape \(shape)")
            }
            let gamma = try getVariable("gamma", shape: [channels], initializer: .ones)
            let beta = try getVariable("beta", shape: [channels], initializer: .zeros)
            let mean = try getVariable("moving_mean", shape: [channels], initializer: .zeros, trainable: false)
            let variance = try getVariable("moving_variance", shape: [channels], initializer: .ones, trainable: false)
            if shape.count == 4 {
                return try fusedBatchNorm(inputs, scale: gamma, offset: beta, mean: mean, variance: variance, epsilon: 0.001)
            }
            return try TensorScopeGraph.batchNormalization(inputs, mean: mean, variance: variance, offset: beta, scale: gamma,
                                                           varianceEpsilon: 0.001)
        }
    }

    /// `tf.compat.v1.layers.flatten`: `[batch, …]` reshaped to `[batch, product of the rest]`
    /// (an op `flatten/Reshape`).
    ///
    /// - Parameters:
    ///   - inputs: a tensor of rank ≥ 1 whose dimensions after the first are known.
    ///   - name: the layer's scope; nil for `flatten` made unique.
    /// - Throws: `.invalidArgument` (message starting `flatten layer:`) for a scalar or unknown
    ///   dimensions after the batch.
    public static func flatten(_ inputs: some TensorConvertible, name: String? = nil) throws -> Tensor {
        try layer(name, "flatten") {
            let shape = inputs.tensorValue.shape
            guard !shape.isEmpty, shape.dropFirst().allSatisfy({ $0 >= 0 }) else {
                throw TensorScopeError.invalidArgument("flatten layer", expected: "inputs of rank ≥ 1 with known dimensions after the batch",
                                                       got: "shape \(shape)")
            }
            return try reshape(inputs, [-1, shape.dropFirst().reduce(1, *)])
        }
    }

    /// `tf.compat.v1.layers.dropout` at inference: the inputs unchanged (an op `dropout/Identity`,
    /// as TensorFlow records when not training).
    ///
    /// - Parameters:
    ///   - inputs: any tensor.
    ///   - rate: the fraction dropped in training, in `0..<1`.
    ///   - training: must be false: TensorScope runs inference.
    ///   - name: the layer's scope; nil for `dropout` made unique.
    /// - Throws: `.invalidArgument` (message starting `dropout layer:`) for a rate outside
    ///   `0..<1` or `training: true`.
    public static func dropout(_ inputs: some TensorConvertible, rate: Float = 0.5, training: Bool = false,
                               name: String? = nil) throws -> Tensor {
        try layer(name, "dropout") {
            guard rate >= 0, rate < 1 else {
                throw TensorScopeError.invalidArgument("dropout layer", expected: "a rate in 0..<1", got: "\(rate)")
            }
            guard !training else {
                throw TensorScopeError.invalidArgument("dropout layer", expected: "training false (TensorScope runs inference)",
                                                       got: "training true")
            }
            return identity(inputs)
        }
    }

    /// The end of conv2d and dense: `bias` (`[outputs]`, zeros) added when `useBias`, then
    /// `activation`.
    private static func biasAndActivation(
        _ y: Tensor, outputs: Int, useBias: Bool, _ activation: ((Tensor) throws -> Tensor)?
    ) throws -> Tensor {
        let biased = useBias ? try biasAdd(y, try getVariable("bias", shape: [outputs], initializer: .zeros)) : y
        return try activation?(biased) ?? biased
    }

    /// Runs `body` in the layer's variable scope: `name`, or `base` made unique.
    private static func layer<R>(_ name: String?, _ base: String, _ body: () throws -> R) throws -> R {
        try variableScope(name, defaultName: name == nil ? base : nil) { _ in try body() }
    }

    /// `[k]` as `(k, k)`, `[kh, kw]` as is, each at least 1.
    private static func pair(_ values: [Int], _ argument: String, layer: String) throws -> (Int, Int) {
        guard (1...2).contains(values.count), values.allSatisfy({ $0 > 0 }) else {
            throw TensorScopeError.invalidArgument(layer, expected: "\(argument) of one or two positive values", got: "\(values)")
        }
        return (values[0], values[values.count - 1])
    }
}
