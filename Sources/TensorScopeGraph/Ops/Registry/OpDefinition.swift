import TensorScopeKernels

/// An op's computation with everything but the data decided: writes the outputs from the inputs.
typealias PreparedCompute = @Sendable (_ inputs: [KernelArgument], _ outputs: [UnsafeMutableBufferPointer<Float>]) throws -> Void

/// An op's computation of output 0 with an epilogue applied as it is written (a convolution's
/// kernels apply it in their store). `names` are the fused step's op names (the op's first,
/// then its bias add's and activation's), for errors.
typealias FusedCompute = @Sendable (
    _ inputs: [KernelArgument], _ output: UnsafeMutablePointer<Float>, _ epilogue: Epilogue, _ names: [String]
) throws -> Void

/// What the graph knows of one op type: how its outputs are sized from its inputs and
/// attributes (checking them), and how they are computed into buffers the caller gives. The
/// eager ops run through it (`runOperation`), and so does a recorded op run again from its
/// record (`OpRegistry.run`).
struct OpDefinition: Sendable {
    /// The `NodeDef` op type (`"Conv2D"`).
    let type: String
    /// The output shapes for these inputs and attributes; throws what the op throws for
    /// arguments it cannot take.
    let outputShapes: @Sendable (_ inputs: [OpInput], _ attributes: Attributes) throws -> [[Int]]
    /// Computes the outputs into `outputs`, one buffer per output of the sizes `outputShapes`
    /// gave. Throws for what only the values show (a NaN a convolution reports).
    let compute: @Sendable (
        _ inputs: [KernelArgument], _ attributes: Attributes, _ outputs: [UnsafeMutableBufferPointer<Float>]
    ) throws -> Void
    /// Set when output 0 is this input's values under the output shape (a reshape): nothing is
    /// computed or allocated.
    var forwardsInput: Int? = nil
    /// For ops whose arguments take work to read (a geometry from shapes and attributes): that
    /// work done once for given input shapes, returning the computation alone. A `Session`
    /// plan prepares each step once and runs it many times; `compute` prepares and runs.
    var prepare: (@Sendable (_ shapes: [[Int]], _ attributes: Attributes) throws -> PreparedCompute)? = nil
    /// For ops that take a bias and activation into their own pass (convolutions): the fused
    /// computation prepared for these input shapes. A `Session` plan fuses the bias add and
    /// activation after such an op into it.
    var prepareFused: (@Sendable (_ shapes: [[Int]], _ attributes: Attributes) throws -> FusedCompute)? = nil
    /// Whether the op reports a NaN or infinity among its results (convolutions do, and a
    /// `Session` then also checks a bias fused into them); `MatMul`, as TensorFlow's, does not.
    var reportsNonFinite = true

    init(
        _ type: String, forwardsInput: Int? = nil,
        outputShapes: @escaping @Sendable ([OpInput], Attributes) throws -> [[Int]],
        compute: @escaping @Sendable ([KernelArgument], Attributes, [UnsafeMutableBufferPointer<Float>]) throws -> Void = { _, _, _ in }
    ) {
        self.type = type
        self.forwardsInput = forwardsInput
        self.outputShapes = outputShapes
        self.compute = compute
    }

    /// A definition whose computation is prepared for its input shapes (see `prepare`).
    init(
        _ type: String, outputShapes: @escaping @Sendable ([OpInput], Attributes) throws -> [[Int]],
        prepare: @escaping @Sendable ([[Int]], Attributes) throws -> PreparedCompute,
        prepareFused: (@Sendable ([[Int]], Attributes) throws -> FusedCompute)? = nil
    ) {
        self.init(type, outputShapes: outputShapes, compute: { inputs, attributes, outputs in
            try prepare(inputs.map(\.shape), attributes)(inputs, outputs)
        })
        self.prepare = prepare
        self.prepareFused = prepareFused
    }

    /// The computation for inputs of `shapes`, prepared once where the op can be.
    func prepared(for shapes: [[Int]], _ attributes: Attributes) throws -> PreparedCompute {
        if let prepare { return try prepare(shapes, attributes) }
        let compute = compute
        return { try compute($0, attributes, $1) }
    }

    /// Sizes, allocates and computes the outputs.
    func execute(_ inputs: [OpInput], _ attributes: Attributes) throws -> [Tensor] {
        let shapes = try outputShapes(inputs, attributes)
        if let forwarded = forwardsInput {
            return [Tensor(uncheckedShape: shapes[0], scalars: inputs[forwarded].value!.scalars)]
        }
        let counts = try shapes.map { try Shapes.allocatableCount(of: $0, op: type) }
        if counts.count == 1 {
            let scalars = try [Float](unsafeUninitializedCapacity: counts[0]) { buffer, initialized in
                initialized = counts[0]  // every element is written by `compute` (or the array is dropped)
                try OpInput.withKernelArguments(inputs) { try compute($0, attributes, [buffer]) }
            }
            return [Tensor(uncheckedShape: shapes[0], scalars: scalars)]
        }
        // Several outputs: computed into buffers of their own, then moved into tensors.
        let buffers = counts.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: $0) }
        defer { buffers.forEach { $0.deallocate() } }
        try OpInput.withKernelArguments(inputs) { try compute($0, attributes, buffers) }
        return zip(shapes, buffers).map { Tensor(uncheckedShape: $0, scalars: Array($1)) }
    }
}
