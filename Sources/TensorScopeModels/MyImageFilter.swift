import TensorScope

/// The seed program's `conv_relu`: a SAME, stride-1 convolution with a shared filter and bias,
/// then ReLU — `relu(conv2d(input, weights) + biases)`.
///
/// `weights` (`kernelShape`, HWIO) comes from `getVariable` with a random-normal initializer
/// (mean 0, stddev 1), `biases` (`biasShape`) with a constant 0, both in the current variable
/// scope, so the scope's reuse mode decides whether they are created or shared. Runs as
/// `conv2dBiasRelu` and records the ops `Conv2D`, `add`, `Relu`.
public func convRelu(
    _ input: some TensorConvertible, kernelShape: [Int], biasShape: [Int], seed: Int? = nil
) throws -> Tensor {
    let weights = try getVariable("weights", shape: kernelShape, initializer: .randomNormal(seed: seed))
    let biases = try getVariable("biases", shape: biasShape, initializer: .constant(0))
    // relu(conv2d(input, weights) + biases), fused; records Conv2D, add, Relu all the same.
    return try conv2dBiasRelu(input, weights, bias: biases, strides: [1, 1, 1, 1], padding: .same)
}

/// The seed program's `my_image_filter`: two `convRelu` layers of 32 filters of 5×5, in
/// variable scopes `conv1` and `conv2`.
///
/// - Parameters:
///   - input: `[batch, height, width, channels]`; conv1's kernel is `[5, 5, channels, 32]`.
///   - seed: seeds the weight initializers (conv2 uses `seed + 1`), for reproducible runs.
/// - Returns: `[batch, height, width, 32]`.
public func myImageFilter(_ input: some TensorConvertible, seed: Int? = nil) throws -> Tensor {
    let x = input.tensorValue
    guard x.rank == 4 else {
        throw TensorScopeError.invalidArgument(
            "myImageFilter", expected: "input of rank 4 [batch, height, width, channels]",
            got: "rank \(x.rank), shape \(x.shape)")
    }
    let channels = x.shape[3]
    let relu1 = try variableScope("conv1") { _ in
        try convRelu(x, kernelShape: [5, 5, channels, 32], biasShape: [32], seed: seed)
    }
    return try variableScope("conv2") { _ in
        try convRelu(relu1, kernelShape: [5, 5, 32, 32], biasShape: [32], seed: seed.map { $0 + 1 })
    }
}
