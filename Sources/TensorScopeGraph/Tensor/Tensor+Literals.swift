import TensorScopeKernels
// Small tensors written out, as in tests and examples: `try Tensor([[1, 2], [3, 4]])`.
extension Tensor {
    /// A scalar: shape `[]`.
    public init(_ value: Float) {
        self.init(uncheckedShape: [], scalars: [value])
    }

    /// A vector: shape `[values.count]`.
    public init(_ values: [Float]) {
        self.init(uncheckedShape: [values.count], scalars: values)
    }

    /// A matrix from its rows: shape `[rows.count, rows[0].count]`.
    ///
    /// - Throws: `.invalidArgument` when the rows differ in length.
    public init(_ rows: [[Float]]) throws {
        try self.init(nested: rows.map { Tensor($0) }, op: "Tensor([[Float]])")
    }

    /// A rank-3 tensor from its `[[Float]]` slices.
    ///
    /// - Throws: `.invalidArgument` when the slices differ in shape.
    public init(_ slices: [[[Float]]]) throws {
        try self.init(nested: slices.map { try Tensor($0) }, op: "Tensor([[[Float]]])")
    }

    /// A rank-4 tensor (an NHWC batch) from its `[[[Float]]]` images.
    ///
    /// - Throws: `.invalidArgument` when the images differ in shape.
    public init(_ images: [[[[Float]]]]) throws {
        try self.init(nested: images.map { try Tensor($0) }, op: "Tensor([[[[Float]]]])")
    }

    private init(nested parts: [Tensor], op: String) throws {
        let inner = parts.first?.shape ?? [0]
        if let odd = parts.firstIndex(where: { $0.shape != inner }) {
            throw TensorScopeError.invalidArgument(
                op, expected: "parts of one shape (\(inner), as the first)", got: "part \(odd) of shape \(parts[odd].shape)")
        }
        self.init(uncheckedShape: [parts.count] + inner, scalars: parts.flatMap(\.scalars))
    }

    /// The element at `indices`, one per dimension: `t[0, 1, 1, 0]`.
    ///
    /// - Precondition: one index per dimension, each within its dimension (as for `Array`,
    ///   an index out of range is a programming error and traps; `scalar(at:)` throws instead,
    ///   for indices that come from data).
    public subscript(_ indices: Int...) -> Float {
        precondition(indices.count == rank, "Tensor subscript: expected \(rank) indices for shape \(shape), got \(indices.count)")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            precondition((0..<shape[axis]).contains(index),
                         "Tensor subscript: index \(index) out of range 0..<\(shape[axis]) on axis \(axis) of shape \(shape)")
            flat = flat * shape[axis] + index
        }
        return scalars[flat]
    }

    /// The element at `indices`, one per dimension; the throwing form of the subscript.
    ///
    /// - Throws: `.invalidArgument` for a count of indices other than the rank, or an index
    ///   out of its dimension's range.
    public func scalar(at indices: [Int]) throws -> Float {
        guard indices.count == rank else {
            throw TensorScopeError.invalidArgument(
                "scalar(at:)", expected: "\(rank) indices for shape \(shape)", got: "\(indices.count)")
        }
        var flat = 0
        for (axis, index) in indices.enumerated() {
            guard (0..<shape[axis]).contains(index) else {
                throw TensorScopeError.invalidArgument(
                    "scalar(at:)", expected: "an index in 0..<\(shape[axis]) on axis \(axis) of shape \(shape)",
                    got: "\(index)")
            }
            flat = flat * shape[axis] + index
        }
        return scalars[flat]
    }
}
