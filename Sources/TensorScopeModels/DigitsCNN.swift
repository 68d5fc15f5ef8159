import TensorScope

/// A small CNN for 8×8 digit images, written as a TensorFlow 1.x user writes it — the port of
/// `digits_cnn` in `scripts/train_digits.py`, which trains it in TensorFlow on scikit-learn's
/// digits: conv 3×3×1→16, ReLU, 2×2 max-pool, conv 3×3×16→32, ReLU, 2×2 max-pool, reshape to
/// 128, dense 64 with ReLU, dense 10.
///
/// Variables come from `getVariable` in scopes `conv1`, `conv2`, `fc1`, `fc2` (`weights`,
/// `biases`), TensorFlow's names, so a checkpoint of the trained TensorFlow model restores
/// into it (`DigitsCNN.variableShapes`).
///
/// - Parameter images: `[batch, 8, 8, 1]`, pixel values in `[0, 1]`.
/// - Returns: the logits, `[batch, 10]`; `softmax` gives the probabilities, `argmax(_:axis: 1)`
///   the digits.
public func digitsCNN(_ images: some TensorConvertible) throws -> Tensor {
    var h = try variableScope("conv1") { _ in try convRelu(images, [3, 3, 1, 16]) }
    h = try maxPool(h, ksize: [2], strides: [2], padding: .same)
    h = try variableScope("conv2") { _ in try convRelu(h, [3, 3, 16, 32]) }
    h = try maxPool(h, ksize: [2], strides: [2], padding: .same)
    h = try reshape(h, [-1, 2 * 2 * 32])
    h = try variableScope("fc1") { _ in relu(try dense(h, [128, 64])) }
    return try variableScope("fc2") { _ in try dense(h, [64, 10]) }
}

/// `relu(conv2d(x, weights, SAME) + biases)` with the layer's own variables, run as
/// `conv2dBiasRelu` — the fusion TensorFlow's grappler makes by itself: the same ops recorded
/// (`Conv2D`, `add`, `Relu`), the same numbers, and no pass over the output for the bias and
/// none for the rectifier (docs/OPS-AND-DIGITS.md has what it saves).
private func convRelu(_ x: some TensorConvertible, _ kernelShape: [Int]) throws -> Tensor {
    let weights = try getVariable("weights", shape: kernelShape, initializer: .glorotUniform())
    let biases = try getVariable("biases", shape: [kernelShape[3]], initializer: .zeros)
    return try conv2dBiasRelu(x, weights, bias: biases, strides: [1, 1, 1, 1], padding: .same)
}

/// `matmul(x, weights) + biases`.
private func dense(_ x: Tensor, _ shape: [Int]) throws -> Tensor {
    let weights = try getVariable("weights", shape: shape, initializer: .glorotUniform())
    let biases = try getVariable("biases", shape: [shape[1]], initializer: .zeros)
    return try matmul(x, weights) + biases
}

/// The digits CNN's variables and shapes, for loading a checkpoint strictly.
public enum DigitsCNN {
    /// Every variable's name and shape, as `SafeTensors.read(_:expecting:)` takes them.
    public static let variableShapes: [String: [Int]] = [
        "conv1/weights": [3, 3, 1, 16], "conv1/biases": [16],
        "conv2/weights": [3, 3, 16, 32], "conv2/biases": [32],
        "fc1/weights": [128, 64], "fc1/biases": [64],
        "fc2/weights": [64, 10], "fc2/biases": [10],
    ]
}
