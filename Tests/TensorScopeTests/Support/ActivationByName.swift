import TensorScope

/// The activation op TensorFlow names `name` ("Relu", "Relu6", "LeakyRelu" with alpha 0.1,
/// "Elu", "Prelu" with `alpha`; anything else: none) applied to `z`, for the tests that fuse
/// each into a convolution.
func activationNamed(_ name: String, _ z: Tensor, alpha: Tensor) throws -> Tensor {
    switch name {
    case "Relu": relu(z)
    case "Relu6": relu6(z)
    case "LeakyRelu": leakyRelu(z, alpha: 0.1)
    case "Elu": elu(z)
    case "Prelu": try prelu(z, alpha: alpha)
    default: z
    }
}
