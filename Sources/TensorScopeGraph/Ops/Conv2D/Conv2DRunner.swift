import TensorScopeKernels

/// What every convolution call does around its algorithm: the size checks, the output
/// allocation, the algorithm from the planner, and the report of a NaN or infinity.
enum Conv2DRunner {
    static func run(
        _ g: Conv2DGeometry, input x: Tensor, filter w: Tensor, epilogue: Epilogue = Epilogue(),
        using chosen: (any Conv2DOperator)? = nil, filterInput: OpInput? = nil, op: String = "conv2d"
    ) throws -> Tensor {
        try checkSizes(g, filter: w.shape, op: op)
        let count = try Shapes.allocatableCount(of: g.outputShape, op: op)
        let scalars = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = count  // every element is written, or the array is dropped
            try x.withUnsafeBufferPointer { xs in
                try w.withUnsafeBufferPointer { ws in
                    let filter = KernelArgument(
                        shape: w.shape, data: ws,
                        variable: filterInput?.read)
                    try compute(g, input: xs, filter: filter, epilogue: epilogue, using: chosen, op: op,
                                into: buffer.baseAddress!)
                }
            }
        }
        return Tensor(uncheckedShape: g.outputShape, scalars: scalars)
    }

    /// The sizes every algorithm takes: `kh·kw·in` and `out` within a 32-bit BLAS.
    static func checkSizes(_ g: Conv2DGeometry, filter: [Int], op: String = "conv2d") throws {
        guard g.k <= Int(Int32.max), g.n <= Int(Int32.max) else {
            throw TensorScopeError.invalidArgument(
                op, expected: "a filter whose kh·kw·in and out sizes fit a 32-bit BLAS", got: "filter \(filter)")
        }
    }

    /// Computes the convolution into `output` (`g.outputShape`'s count of floats), with the
    /// operator `cache` keeps when it has one for this filter.
    static func compute(
        _ g: Conv2DGeometry, input x: UnsafeBufferPointer<Float>, filter w: KernelArgument,
        epilogue: Epilogue = Epilogue(), using chosen: (any Conv2DOperator)? = nil, cache: Conv2DOperatorCache? = nil,
        op: String = "conv2d", into output: UnsafeMutablePointer<Float>
    ) throws {
        _ = BLASCoreSelection.warnOnce
        let algorithm = chosen ?? cache?.operatorFor(filter: w) { planned(g, filter: w, pinned: $1, isa: $0) }
            ?? planned(g, filter: w, pinned: Conv2DAlgorithm.pinned, isa: KernelISA.current)
        if let pool = epilogue.maxPool, !algorithm.pools(pool) {
            try convolveThenPool(g, pool, input: x, filter: w, epilogue: epilogue, using: algorithm, op: op, into: output)
            return
        }
        let outputCount = epilogue.maxPool.map { $0.outputShape.reduce(1, *) } ?? g.m * g.n
        HugePages.advise(UnsafeMutableRawPointer(output), bytes: outputCount * 4)
        let finite = algorithm.run(input: x.baseAddress!, filter: w.pointer, output: output, epilogue: epilogue)
        guard finite else {
            throw nonFiniteError(input: x, shape: g.inputShape, filter: w.data, shape: w.shape, op: op)
        }
    }

    /// The planner's operator for `g` on `w`, whose packed forms a variable keeps.
    private static func planned(
        _ g: Conv2DGeometry, filter w: KernelArgument, pinned: Conv2DAlgorithm?, isa: KernelISA?
    ) -> any Conv2DOperator {
        Conv2DPlanner.choose(for: g, prepared: { layout, isa, make in w.prepared(layout, isa: isa, make: make) },
                             pinned: pinned, isa: isa)
    }

    /// Floats of the buffer a convolution is computed into, a group of images at a time, for a
    /// max pool its algorithm does not take: 2 MiB, so the pool reads what the convolution wrote
    /// from the caches (ONet's first layer writes 27 MB for 100 crops, which its pool read back
    /// from memory).
    static let poolGroupFloats = 1 << 19

    /// A max pool the algorithm does not take: the convolution into a buffer of its own, then the
    /// pool from it — a group of images at a time with TensorScope's own kernels, whose results
    /// for an image do not depend on the others in the call; for the whole batch at once with
    /// im2col (OpenBLAS's `sgemm` may round a row differently in a call of another size).
    private static func convolveThenPool(
        _ g: Conv2DGeometry, _ pool: PoolGeometry, input x: UnsafeBufferPointer<Float>, filter w: KernelArgument,
        epilogue: Epilogue, using algorithm: any Conv2DOperator, op: String, into output: UnsafeMutablePointer<Float>
    ) throws {
        var unpooled = epilogue
        unpooled.maxPool = nil
        let imageFloats = g.outHeight * g.outWidth * g.n
        let group = algorithm.algorithm == .im2col ? g.batch : max(1, min(g.batch, poolGroupFloats / max(1, imageFloats)))
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, group * imageFloats))
        defer { buffer.deallocate() }
        let (inputImage, pooledImage) = (g.inHeight * g.inWidth * g.inChannels, pool.outHeight * pool.outWidth * pool.channels)
        // The algorithm chosen for the whole batch for every group (the planner's choice can depend
        // on the batch), set up once for a whole group and once more for a short last one.
        let isa = KernelISA.current
        func setUp(_ batch: Int) -> any Conv2DOperator {
            var part = g
            part.batch = batch
            return batch == g.batch ? algorithm : planned(part, filter: w, pinned: algorithm.algorithm, isa: isa)
        }
        let whole = setUp(group)
        for first in stride(from: 0, to: g.batch, by: group) {
            var partPool = pool
            partPool.batch = min(group, g.batch - first)
            let partAlgorithm = partPool.batch == group ? whole : setUp(partPool.batch)
            let finite = partAlgorithm.run(input: x.baseAddress! + first * inputImage, filter: w.pointer, output: buffer,
                                           epilogue: unpooled)
            guard finite else {
                throw nonFiniteError(input: x, shape: g.inputShape, filter: w.data, shape: w.shape, op: op)
            }
            Pooling.run(.max, partPool, input: buffer, output: output + first * pooledImage)
        }
    }

    /// The error for a bias of a fused convolution that holds NaN or infinity (which the
    /// epilogue would add unseen), naming `op`; nil when every value is finite.
    static func nonFiniteBias(_ bias: UnsafeBufferPointer<Float>, op: String) -> TensorScopeError? {
        Finiteness.firstNonFinite(bias).map {
            .invalidArgument(op, expected: "finite bias values", got: "\(bias[$0]) at index \($0)")
        }
    }

    /// Names the first NaN or infinity among the arguments, or reports an overflow.
    static func nonFiniteError(
        input x: UnsafeBufferPointer<Float>, shape xShape: [Int], filter w: UnsafeBufferPointer<Float>,
        shape wShape: [Int], op: String
    ) -> TensorScopeError {
        if let i = Finiteness.firstNonFinite(x) {
            return .invalidArgument(
                op, expected: "finite input values", got: "\(x[i]) at input index \(Index.unflatten(i, shape: xShape))")
        }
        if let i = Finiteness.firstNonFinite(w) {
            return .invalidArgument(
                op, expected: "finite filter values", got: "\(w[i]) at filter index \(Index.unflatten(i, shape: wShape))")
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
