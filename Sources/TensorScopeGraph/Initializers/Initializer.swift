import TensorScopeKernels
/// How a new variable's value is made, as TensorFlow 1.x's `tf.*_initializer` family.
///
/// Random initializers take an optional `seed`. With a seed, the values depend only on the
/// seed and the shape (SplitMix64 + Box–Muller, documented in `SplitMix64`), so they are the
/// same on every run and machine — though not the numbers TensorFlow's Philox generator
/// draws. Without one, each use draws a fresh seed from the system generator.
public struct Initializer: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case normal(mean: Float, stddev: Float, truncated: Bool)
        case constant([Float])
        case glorotUniform
    }

    let kind: Kind
    /// The seed given, or nil for fresh values on every use.
    public let seed: Int?

    /// Samples of `N(mean, stddev²)`, as `tf.random_normal_initializer`.
    public static func randomNormal(mean: Float = 0, stddev: Float = 1, seed: Int? = nil) -> Initializer {
        Initializer(kind: .normal(mean: mean, stddev: stddev, truncated: false), seed: seed)
    }

    /// Samples of `N(mean, stddev²)` redrawn until within 2 stddev of the mean, as
    /// `tf.truncated_normal_initializer`.
    public static func truncatedNormal(mean: Float = 0, stddev: Float = 1, seed: Int? = nil) -> Initializer {
        Initializer(kind: .normal(mean: mean, stddev: stddev, truncated: true), seed: seed)
    }

    /// Every element `value`, as `tf.constant_initializer(value)`.
    public static func constant(_ value: Float) -> Initializer {
        Initializer(kind: .constant([value]), seed: nil)
    }

    /// `values` in row-major order, the last one repeated when the shape holds more, as
    /// `tf.constant_initializer(list)`. A shape holding fewer elements than `values` is an error.
    public static func constant(_ values: [Float]) -> Initializer {
        Initializer(kind: .constant(values), seed: nil)
    }

    /// All zeros, as `tf.zeros_initializer()`.
    public static let zeros = constant(0)

    /// All ones, as `tf.ones_initializer()`.
    public static let ones = constant(1)

    /// Uniform in `[-limit, limit)` with `limit = sqrt(6 / (fanIn + fanOut))`, as
    /// `tf.glorot_uniform_initializer` — the default of `getVariable`. Fans follow TF:
    /// rank 0 → (1, 1); rank 1 `[n]` → (n, n); rank 2 → (shape[0], shape[1]); rank ≥ 3 →
    /// `rf = product(shape[..<rank-2])`, `fanIn = shape[rank-2]·rf`, `fanOut = shape[rank-1]·rf`.
    public static func glorotUniform(seed: Int? = nil) -> Initializer {
        Initializer(kind: .glorotUniform, seed: seed)
    }

    /// This initializer with `seed` where it had none (constants are unchanged).
    func seeded(ifUnseeded seed: Int) -> Initializer {
        if self.seed != nil { return self }
        if case .constant = kind { return self }
        return Initializer(kind: kind, seed: seed)
    }

    /// A tensor of `shape` made by this initializer.
    ///
    /// - Throws: `.invalidArgument` for a negative dimension, more than `maxElements` elements,
    ///   a non-finite mean or a negative or non-finite stddev, or a constant list longer than the
    ///   shape holds.
    public func tensor(shape: [Int]) throws -> Tensor {
        let count = try Shapes.allocatableCount(of: shape, op: "Initializer")
        guard count <= Initializer.maxElements else {
            throw TensorScopeError.invalidArgument(
                "Initializer", expected: "at most \(Initializer.maxElements) elements (8 GiB)", got: "shape \(shape)")
        }
        var generator = SplitMix64(seed: UInt64(bitPattern: Int64(seed ?? Int.random(in: .min ... .max))))
        let scalars: [Float]
        switch kind {
        case let .normal(mean, stddev, truncated):
            guard mean.isFinite, stddev.isFinite, stddev >= 0 else {
                throw TensorScopeError.invalidArgument(
                    truncated ? "truncatedNormal" : "randomNormal",
                    expected: "a finite mean and a finite, non-negative stddev",
                    got: "mean \(mean), stddev \(stddev)")
            }
            scalars = (0..<count).map { _ in
                var z = generator.nextNormal()
                while truncated && abs(z) >= 2 { z = generator.nextNormal() }
                return Float(Double(mean) + Double(stddev) * z)
            }
        case let .constant(values):
            guard !values.isEmpty else {
                throw TensorScopeError.invalidArgument("constant", expected: "at least one value", got: "an empty list")
            }
            guard values.count <= count || values.count == 1 else {
                throw TensorScopeError.invalidArgument(
                    "constant", expected: "at most \(count) values for shape \(shape)", got: "\(values.count)")
            }
            scalars = (0..<count).map { values[min($0, values.count - 1)] }
        case .glorotUniform:
            let (fanIn, fanOut) = Initializer.fans(of: shape)
            let limit = (3 / max(1, Double(fanIn + fanOut) / 2)).squareRoot()
            let top = Float(limit)
            scalars = (0..<count).map { _ in
                let x = Float(-limit + 2 * limit * generator.nextUnit())
                return x >= top ? top.nextDown : x
            }
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// The largest tensor an initializer makes: an absurd shape is an error, not an attempt to
    /// allocate terabytes.
    public static let maxElements = Int(Int32.max)

    /// TensorFlow's `_compute_fans`: `(fanIn, fanOut)` for a weight of this shape.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptive, shape[shape.count - 1] * receptive)
        }
    }
}
