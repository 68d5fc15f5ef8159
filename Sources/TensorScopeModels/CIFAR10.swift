import TensorScope

/// The TF1 CIFAR-10 tutorial model's `inference()` (tensorflow/models,
/// tutorials/image/cifar10/cifar10.py), written with TensorScope's public API line for line —
/// docs/CIFAR10.md shows the two side by side. Variables and ops carry the tutorial's names
/// (`conv1/weights`, `conv1/conv1`, `pool1`, `norm1`, …, `softmax_linear/softmax_linear`), so
/// the tutorial's checkpoints restore into it.
public enum CIFAR10 {
    /// The number of classes.
    public static let classCount = 10

    /// The logits `[batch, 10]` for 24 × 24 RGB crops `[batch, 24, 24, 3]` (a placeholder or
    /// values). Variables come from `getVariable` under the current variable scope, initialised
    /// as the tutorial initialises them (truncated normal weights, constant biases).
    ///
    /// - Throws: what the ops throw for images of another size.
    public static func inference(_ images: Tensor) throws -> Tensor {
        let conv1 = try variableScope("conv1") { scope in
            let kernel = try getVariable("weights", shape: [5, 5, 3, 64], initializer: .truncatedNormal(stddev: 5e-2))
            let conv = try conv2d(images, kernel, strides: [1, 1, 1, 1], padding: .same)
            let biases = try getVariable("biases", shape: [64], initializer: .constant(0.0))
            let preActivation = try biasAdd(conv, biases)
            return relu(preActivation, name: scope.name)
        }
        let pool1 = try maxPool(conv1, ksize: [1, 3, 3, 1], strides: [1, 2, 2, 1], padding: .same, name: "pool1")
        let norm1 = try localResponseNormalization(pool1, depthRadius: 4, bias: 1.0, alpha: 0.001 / 9.0, beta: 0.75, name: "norm1")
        let conv2 = try variableScope("conv2") { scope in
            let kernel = try getVariable("weights", shape: [5, 5, 64, 64], initializer: .truncatedNormal(stddev: 5e-2))
            let conv = try conv2d(norm1, kernel, strides: [1, 1, 1, 1], padding: .same)
            let biases = try getVariable("biases", shape: [64], initializer: .constant(0.1))
            let preActivation = try biasAdd(conv, biases)
            return relu(preActivation, name: scope.name)
        }
        let norm2 = try localResponseNormalization(conv2, depthRadius: 4, bias: 1.0, alpha: 0.001 / 9.0, beta: 0.75, name: "norm2")
        let pool2 = try maxPool(norm2, ksize: [1, 3, 3, 1], strides: [1, 2, 2, 1], padding: .same, name: "pool2")
        let local3 = try variableScope("local3") { scope in
            let reshaped = try reshape(pool2, [-1, 6 * 6 * 64])
            let weights = try getVariable("weights", shape: [6 * 6 * 64, 384], initializer: .truncatedNormal(stddev: 0.04))
            let biases = try getVariable("biases", shape: [384], initializer: .constant(0.1))
            return relu(try matmul(reshaped, weights) + biases, name: scope.name)
        }
        let local4 = try variableScope("local4") { scope in
            let weights = try getVariable("weights", shape: [384, 192], initializer: .truncatedNormal(stddev: 0.04))
            let biases = try getVariable("biases", shape: [192], initializer: .constant(0.1))
            return relu(try matmul(local3, weights) + biases, name: scope.name)
        }
        return try variableScope("softmax_linear") { scope in
            let weights = try getVariable("weights", shape: [192, classCount], initializer: .truncatedNormal(stddev: 1 / 192.0))
            let biases = try getVariable("biases", shape: [classCount], initializer: .constant(0.0))
            return try add(try matmul(local4, weights), biases, name: scope.name)
        }
    }
}
