/// The rectifier `max(x, 0)` element-wise, as `tf.nn.relu`; NaN stays NaN.
///
/// Accepts any shape. Records a `Relu` op.
public func relu(_ x: some TensorConvertible) -> Tensor {
    var y = x.tensorValue
    y.withUnsafeMutableBufferPointer { values in
        guard let base = values.baseAddress else { return }
        _ = Epilogue(relu: true, checksFiniteness: false).apply(to: base, rows: 1, columns: values.count)
    }
    Graph.recordOperation(type: "Relu", inputs: [y.shape], output: y.shape)
    return y
}
