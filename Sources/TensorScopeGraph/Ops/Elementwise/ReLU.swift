import TensorScopeKernels
/// The rectifier `max(x, 0)` element-wise, as `tf.nn.relu`; NaN stays NaN.
///
/// Accepts any shape. Records a `Relu` op.
public func relu(_ x: some TensorConvertible) -> Tensor {
    runOperation("Relu", [OpInput("features", x)], attributes: .float32) { values in
        // One pass into a new array (copying the input first, then clamping it, read and wrote
        // every value twice).
        let x = values[0]
        let scalars = [Float](unsafeUninitializedCapacity: x.scalarCount) { out, initialized in
            x.withUnsafeBufferPointer { xs in
                for i in xs.indices { out[i] = xs[i] < 0 ? 0 : xs[i] }  // NaN and -0 pass through
            }
            initialized = x.scalarCount
        }
        return Tensor(uncheckedShape: x.shape, scalars: scalars)
    }
}
