/// The rectifier `max(x, 0)` element-wise, as `tf.nn.relu`; NaN stays NaN.
///
/// Accepts any shape. Records a `Relu` op.
public func relu(_ x: some TensorConvertible) -> Tensor {
    let t = x.tensorValue
    let y = Tensor(uncheckedShape: t.shape, scalars: t.scalars.map { $0 < 0 ? 0 : $0 })
    Graph.recordOperation(type: "Relu", inputs: [t.shape], output: y.shape)
    return y
}
