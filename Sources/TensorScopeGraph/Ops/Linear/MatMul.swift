import TensorScopeKernels

/// The matrix product of two 2-D tensors, as `tf.matmul`, on OpenBLAS `sgemm`.
///
/// - Parameters:
///   - a: `[m, k]`, or `[k, m]` with `transposeA`.
///   - b: `[k, n]`, or `[n, k]` with `transposeB`.
///   - transposeA: multiply by `a`'s transpose.
///   - transposeB: multiply by `b`'s transpose.
///   - name: the op's name under the current name scope, made unique (default `MatMul`), as
///     TensorFlow's `name=`.
/// - Returns: `[m, n]`, `y[i, j] = Σ_p a[i, p] · b[p, j]` (of the transposed operands).
/// - Throws: `.invalidArgument` (message starting `matmul:`) for an operand that is not 2-D,
///   inner dimensions that differ, or sizes beyond a 32-bit BLAS.
///
/// Records a `MatMul` op. OpenBLAS runs single-threaded here, as in convolutions (its thread
/// count is process-wide).
public func matmul(
    _ a: some TensorConvertible, _ b: some TensorConvertible, transposeA: Bool = false, transposeB: Bool = false,
    name: String? = nil
) throws -> Tensor {
    try runOperation("MatMul", name: name, [OpInput("a", a), OpInput("b", b)], attributes: .float32([
        "transpose_a": .bool(transposeA), "transpose_b": .bool(transposeB),
    ]))
}

let matMulDefinition = OpDefinition("MatMul", outputShapes: { inputs, attributes in
    [try MatMulGeometry(inputs, attributes).outputShape]
}, prepare: { shapes, attributes in
    let geometry = try MatMulGeometry(shapes, attributes)
    return { inputs, outputs in
        MatMul.run(geometry, a: inputs[0].pointer, b: inputs[1].pointer, output: outputs[0].baseAddress!)
    }
})

extension MatMulGeometry {
    init(_ inputs: [OpInput], _ attributes: Attributes) throws {
        try self.init(inputs.map(\.shape), attributes)
    }

    init(_ shapes: [[Int]], _ attributes: Attributes) throws {
        try self.init(a: shapes[0], b: shapes[1], transposeA: attributes.bool("transpose_a"),
                      transposeB: attributes.bool("transpose_b"))
    }
}
