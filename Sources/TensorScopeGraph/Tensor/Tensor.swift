import TensorScopeKernels
/// A dense float32 tensor, row-major; 4-D tensors are NHWC (`[batch, height, width, channels]`).
///
/// `Tensor` is a value: copies share their storage until one of them is written
/// (copy-on-write, through `[Float]`). The invariant `scalars.count == shape.reduce(1, *)`
/// holds for every tensor that has values, and no dimension is negative.
///
/// A **symbolic** tensor (`isSymbolic`: a `placeholder`, or an op's output computed from one)
/// stands for values a `Session` computes: it has a shape, with `-1` where a dimension is
/// unknown until the session is fed, and a producer in its graph, but no scalars (`scalars` is
/// empty). Ops take it like any tensor and record themselves without computing; functions that
/// return values rather than tensors (`argmax`, `Variable.assign`, checkpoint writers) throw for it.
public struct Tensor: Equatable, Sendable {
    /// The size of each dimension, outermost first. `[]` is a scalar.
    public let shape: [Int]
    /// All elements in row-major order: the last dimension varies fastest.
    public private(set) var scalars: [Float]
    /// The graph node that produced this tensor, when an op recorded in a graph made it; nil
    /// for tensors built from scalars (an exporter writes those as `Const` nodes). Not part of
    /// the value: two tensors with equal shapes and scalars are equal wherever they came from.
    var producer: Producer?

    /// True for a tensor whose values only a `Session` computes (see the type's description).
    public private(set) var isSymbolic = false

    /// The name of the op that produced this tensor in its graph (`"image_filters/conv1/Relu"`),
    /// or nil for a tensor made from scalars or by an op run while recording was off.
    public var opName: String? { producer?.node }

    /// A tensor of `shape` holding `scalars` in row-major order.
    ///
    /// - Throws: `TensorScopeError` (`.invalidArgument`) when a dimension is negative,
    ///   when the element count overflows `Int`, or when `scalars.count` is not the
    ///   product of `shape`.
    public init(shape: [Int], scalars: [Float]) throws {
        let count = try Shapes.elementCount(of: shape, op: "Tensor(shape:scalars:)")
        guard count == scalars.count else {
            throw TensorScopeError.invalidArgument(
                "Tensor(shape:scalars:)",
                expected: "\(count) scalars for shape \(shape)",
                got: "\(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` filled with zeros.
    ///
    /// - Precondition: as for `init(repeating:shape:)` — a negative dimension, an overflowing
    ///   count or a buffer beyond physical memory traps with a message, before any allocation,
    ///   as `Array(repeating:count:)` traps; `init(shape:repeating:)` throws instead.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor of `shape` with every element equal to `value`.
    ///
    /// - Precondition: no negative dimension, an element count that fits in `Int`, and a
    ///   buffer no larger than the machine's physical memory: like `Array(repeating:count:)`,
    ///   such a size is a programming error here and traps with a message (before anything is
    ///   allocated). Sizes that come from outside the program belong in `init(shape:repeating:)`,
    ///   `init(shape:scalars:)` or an `Initializer`, which throw instead.
    public init(repeating value: Float, shape: [Int]) {
        let count: Int
        do {
            count = try Shapes.allocatableCount(of: shape, op: "Tensor(repeating:shape:)")
        } catch {
            preconditionFailure("\(error)")
        }
        self.shape = shape
        self.scalars = Array(repeating: value, count: count)
    }

    /// A tensor of `shape` with every element equal to `value`, for a shape that comes from data
    /// (a file, a user, a computation): the throwing form of `init(repeating:shape:)`.
    ///
    /// - Throws: `.invalidArgument` for a negative dimension, an element count that overflows
    ///   `Int`, or a buffer larger than this machine's physical memory — nothing is allocated.
    public init(shape: [Int], repeating value: Float) throws {
        let count = try Shapes.allocatableCount(of: shape, op: "Tensor(shape:repeating:)")
        self.shape = shape
        self.scalars = Array(repeating: value, count: count)
    }

    /// A symbolic tensor of `shape` (`-1` where unknown) made by `producer`.
    init(symbolicShape shape: [Int], producer: Producer?) {
        self.shape = shape
        self.scalars = []
        self.producer = producer
        self.isSymbolic = true
    }

    /// Throws, naming this tensor, when it is symbolic: for a function about to read values.
    func requireValues(_ op: String) throws {
        guard isSymbolic else { return }
        throw TensorScopeError.invalidArgument(
            op, expected: "a tensor with values",
            got: "the symbolic tensor \(opName.map { "'\($0)'" } ?? "") of shape \(shape), which has values only in Session.run")
    }

    /// Wraps storage the caller has already sized; for ops that computed `shape` themselves.
    init(uncheckedShape shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count, "internal: tensor storage does not match its shape")
        self.shape = shape
        self.scalars = scalars
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements, `shape.reduce(1, *)`.
    public var scalarCount: Int { scalars.count }

    /// The same elements under another shape with the same element count.
    ///
    /// - Throws: `.invalidArgument` when the counts differ or a dimension is negative.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        try requireValues("reshaped(to:)")
        let count = try Shapes.elementCount(of: newShape, op: "reshaped(to:)")
        guard count == scalarCount else {
            throw TensorScopeError.invalidArgument(
                "reshaped(to:)",
                expected: "a shape with \(scalarCount) elements (from \(shape))",
                got: "\(newShape) with \(count)")
        }
        return Tensor(uncheckedShape: newShape, scalars: scalars)
    }

    /// Read-write access to the elements for code that fills a tensor in place. A tensor
    /// written this way is no longer the output of the op that made it (`opName` becomes nil).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        producer = nil
        return try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Equal shapes and equal scalars; where a tensor came from plays no part.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.isSymbolic == rhs.isSymbolic else { return false }
        // Symbolic tensors are equal when they stand for the same edge of the same graph.
        if lhs.isSymbolic { return lhs.shape == rhs.shape && lhs.producer == rhs.producer }
        return lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }

    /// Read-only access to the elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }
}
