import TensorScopeKernels

/// The rectifier `max(x, 0)` element-wise, as `tf.nn.relu`; NaN stays NaN.
///
/// Accepts any shape. Records a `Relu` op.
public func relu(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Relu", name: name, [OpInput("features", x)], attributes: .float32)
}

/// `Relu`: one pass into the output.
let reluDefinition = activationDefinition("Relu") { _ in .relu }

/// A one-input op whose output has its input's shape, computed by `kernel(input, output)`.
func unaryDefinition(
    _ type: String, _ kernel: @escaping @Sendable (UnsafeBufferPointer<Float>, UnsafeMutablePointer<Float>) -> Void
) -> OpDefinition {
    OpDefinition(type, outputShapes: { inputs, _ in [inputs[0].shape] }, compute: { inputs, _, outputs in
        kernel(inputs[0].data, outputs[0].baseAddress!)
    })
}
