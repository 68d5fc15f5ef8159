import TensorScopeKernels

/// The same tensor, as `tf.identity`: an op of its own in the graph (a name to fetch by, a
/// node in TensorBoard), nothing copied or computed.
///
/// - Parameters:
///   - x: any tensor.
///   - name: the op's name under the current name scope, made unique (default `Identity`).
///
/// Records an `Identity` op.
public func identity(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Identity", name: name, [OpInput("input", x)], attributes: .float32)
}

/// `Identity`, and `StopGradient` (the same for a forward pass): the input's storage as the
/// output.
let identityDefinition = passThroughDefinition("Identity")
let stopGradientDefinition = passThroughDefinition("StopGradient")

private func passThroughDefinition(_ type: String) -> OpDefinition {
    OpDefinition(type, forwardsInput: 0, outputShapes: { inputs, _ in [inputs[0].shape] })
}
