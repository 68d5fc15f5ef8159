/// The rectifier `max(x, 0)` element-wise, as `tf.nn.relu`; NaN stays NaN.
///
/// Accepts any shape. Records a `Relu` op.
public func relu(_ x: some TensorConvertible) -> Tensor {
    runOperation("Relu", [OpInput("features", x)], attributes: .float32) { values in
        var y = values[0]
        y.withUnsafeMutableBufferPointer { values in
            guard let base = values.baseAddress else { return }
            _ = Epilogue(relu: true, checksFiniteness: false).apply(to: base, rows: 1, columns: values.count)
        }
        return y
    }
}
