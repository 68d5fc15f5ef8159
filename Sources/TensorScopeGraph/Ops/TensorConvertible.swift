import TensorScopeKernels
/// Anything an op can read as a tensor: a `Tensor` itself, or a `Variable` (its current value).
///
/// Ops take `some TensorConvertible`, so the seed program's `conv2d(input, weights, …)`
/// reads the same in Swift whether `weights` is a tensor or a shared variable.
public protocol TensorConvertible {
    /// The tensor an op reads.
    var tensorValue: Tensor { get }
}

extension Tensor: TensorConvertible {
    public var tensorValue: Tensor { self }
}
