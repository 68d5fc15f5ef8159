import TensorScopeKernels

/// What every convolution call does around its algorithm: the size checks, the output
/// allocation, the algorithm from the planner, and the report of a NaN or infinity.
enum Conv2DRunner {
    static func run(
        _ g: Conv2DGeometry, input x: Tensor, filter w: Tensor, epilogue: Epilogue = Epilogue(),
        kernel: (any Conv2DKernel)? = nil, filterInput: OpInput? = nil, op: String = "conv2d"
    ) throws -> Tensor {
        guard g.k <= Int(Int32.max), g.n <= Int(Int32.max) else {
            throw TensorScopeError.invalidArgument(
                op, expected: "a filter whose kh·kw·in and out sizes fit a 32-bit BLAS", got: "filter \(w.shape)")
        }
        let count = try Shapes.allocatableCount(of: g.outputShape, op: op)
        _ = KernelSelection.warnOnce
        let kernel = kernel ?? Conv2DPlanner.kernel(for: g, packedFilter: filterInput.map { input in { input.packedFilter(isa: $0) } })
        var finite = true
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: count * 4)
            x.withUnsafeBufferPointer { xs in
                w.withUnsafeBufferPointer { ws in
                    finite = kernel.run(
                        input: xs.baseAddress!, filter: ws.baseAddress!, output: buffer.baseAddress!,
                        epilogue: epilogue)
                }
            }
            initialized = count
        }
        guard finite else { throw nonFiniteError(input: x, filter: w, op: op) }
        return Tensor(uncheckedShape: g.outputShape, scalars: scalars)
    }

    /// Names the first NaN or infinity among the arguments, or reports an overflow.
    static func nonFiniteError(input x: Tensor, filter w: Tensor, op: String) -> TensorScopeError {
        if let i = Finiteness.firstNonFinite(x.scalars) {
            return .invalidArgument(
                op, expected: "finite input values",
                got: "\(x.scalars[i]) at input index \(Index.unflatten(i, shape: x.shape))")
        }
        if let i = Finiteness.firstNonFinite(w.scalars) {
            return .invalidArgument(
                op, expected: "finite filter values",
                got: "\(w.scalars[i]) at filter index \(Index.unflatten(i, shape: w.shape))")
        }
        return .invalidArgument(op, expected: "outputs within float32 range", got: "an overflow to infinity")
    }
}

extension PackedFilter {
    /// Packs `filter` (`[kh, kw, in, out]`).
    convenience init(_ filter: Tensor, isa: KernelISA) {
        precondition(filter.rank == 4, "internal: packing a filter of rank \(filter.rank)")
        self.init(hwio: filter.scalars, shape: filter.shape, isa: isa)
    }
}
