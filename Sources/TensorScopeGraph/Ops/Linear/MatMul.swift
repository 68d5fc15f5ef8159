import TensorScopeKernels

/// The matrix product of two 2-D tensors, as `tf.matmul`.
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
/// Records a `MatMul` op. Without transposes and with more than 4 rows it runs on the
/// convolution kernels as a 1 × 1 convolution, over all the workers (in a `Session` with the bias
/// and activation after it fused); otherwise on a single-threaded OpenBLAS `sgemm` (its thread
/// count is process-wide), or a plain loop for up to 4 rows. Like TensorFlow's, it gives NaN for
/// NaN without an error.
public func matmul(
    _ a: some TensorConvertible, _ b: some TensorConvertible, transposeA: Bool = false, transposeB: Bool = false,
    name: String? = nil
) throws -> Tensor {
    try runOperation("MatMul", name: name, [OpInput("a", a), OpInput("b", b)], attributes: .float32([
        "transpose_a": .bool(transposeA), "transpose_b": .bool(transposeB),
    ]))
}

let matMulDefinition: OpDefinition = {
    var definition = OpDefinition("MatMul", outputShapes: { inputs, attributes in
        [try MatMulGeometry(inputs, attributes).outputShape]
    }, prepare: { shapes, attributes in
        let product = try MatMulProduct(try MatMulGeometry(shapes, attributes))
        return { inputs, outputs in
            try product.run(a: inputs[0], b: inputs[1], epilogue: Epilogue(), op: "MatMul", into: outputs[0].baseAddress!)
        }
    }, prepareFused: { shapes, attributes in
        let product = try MatMulProduct(try MatMulGeometry(shapes, attributes))
        return { inputs, output, epilogue, names in
            try product.run(a: inputs[0], b: inputs[1], epilogue: epilogue, op: names[0], into: output)
        }
    })
    definition.reportsNonFinite = false
    return definition
}()

/// How a `MatMul` is computed. `a · b` with neither operand transposed is a 1 × 1 convolution —
/// `a`'s m rows are m pixels of k channels, `b` is a `[1, 1, k, n]` filter — so it runs on the
/// convolution's kernels: spread over the workers, `b` packed once per variable value, and a
/// bias and activation after it applied in the kernels' store. (OpenBLAS's `sgemm` runs on
/// one core here, its thread count being process-wide; the digits CNN's first dense layer
/// took 61–75 µs of a 0.51 ms pass that way.) Transposed operands, and products of at most
/// `MatMul.smallRows` rows, keep `MatMul.run`, with the epilogue as a pass after it.
struct MatMulProduct: Sendable {
    let geometry: MatMulGeometry
    /// The 1 × 1 convolution computing the product; nil for `MatMul.run`.
    let convolution: Conv2DGeometry?
    let operators = Conv2DOperatorCache()

    init(_ geometry: MatMulGeometry) throws {
        self.geometry = geometry
        let g = geometry
        convolution = g.transposeA || g.transposeB || g.m <= MatMul.smallRows || g.k == 0 || g.n == 0
            ? nil
            : try Conv2DGeometry(input: [g.m, 1, 1, g.k], filter: [1, 1, g.k, g.n], strides: [1], padding: .valid,
                                 dilations: [1], op: "matmul")
    }

    /// Writes `epilogue(a · b)` into `output`; never reports a NaN or infinity (TensorFlow's
    /// MatMul does not).
    func run(a: KernelArgument, b: KernelArgument, epilogue: Epilogue, op: String, into output: UnsafeMutablePointer<Float>) throws {
        var epilogue = epilogue
        epilogue.checksFiniteness = false
        guard let convolution else {
            MatMul.run(geometry, a: a.pointer, b: b.pointer, output: output)
            if epilogue.bias != nil || epilogue.activation != .none {
                _ = epilogue.apply(to: output, rows: geometry.n == 0 ? 0 : geometry.m, columns: geometry.n)
            }
            return
        }
        let filter = KernelArgument(shape: [1, 1, geometry.k, geometry.n], data: b.data, variable: b.variable)
        try Conv2DRunner.compute(convolution, input: a.data, filter: filter, epilogue: epilogue, cache: operators, op: op,
                                 into: output)
    }
}

extension MatMulGeometry {
    init(_ inputs: [OpInput], _ attributes: Attributes) throws {
        try self.init(inputs.map(\.shape), attributes)
    }

    init(_ shapes: [[Int]], _ attributes: Attributes) throws {
        try self.init(a: shapes[0], b: shapes[1], transposeA: attributes.bool("transpose_a"),
                      transposeB: attributes.bool("transpose_b"))
    }
}
