import TensorScopeKernels
import COpenBLAS

/// The matrix product of two 2-D tensors, as `tf.matmul`, on OpenBLAS `sgemm`.
///
/// - Parameters:
///   - a: `[m, k]`, or `[k, m]` with `transposeA`.
///   - b: `[k, n]`, or `[n, k]` with `transposeB`.
///   - transposeA: multiply by `a`'s transpose.
///   - transposeB: multiply by `b`'s transpose.
/// - Returns: `[m, n]`, `y[i, j] = Σ_p a[i, p] · b[p, j]` (of the transposed operands).
/// - Throws: `.invalidArgument` (message starting `matmul:`) for an operand that is not 2-D,
///   inner dimensions that differ, or sizes beyond a 32-bit BLAS.
///
/// Records a `MatMul` op. OpenBLAS runs single-threaded here, as in convolutions (its thread
/// count is process-wide).
public func matmul(
    _ a: some TensorConvertible, _ b: some TensorConvertible, transposeA: Bool = false, transposeB: Bool = false
) throws -> Tensor {
    try runOperation("MatMul", [OpInput("a", a), OpInput("b", b)], attributes: .float32([
        "transpose_a": .bool(transposeA), "transpose_b": .bool(transposeB),
    ])) { values in
        let (x, y) = (values[0], values[1])
        let op = "matmul"
        guard x.rank == 2, y.rank == 2 else {
            throw TensorScopeError.invalidArgument(op, expected: "two 2-D tensors", got: "shapes \(x.shape) and \(y.shape)")
        }
        let (m, k) = transposeA ? (x.shape[1], x.shape[0]) : (x.shape[0], x.shape[1])
        let (k2, n) = transposeB ? (y.shape[1], y.shape[0]) : (y.shape[0], y.shape[1])
        guard k == k2 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "inner dimensions that agree (a gives \(k)\(transposeA ? ", transposed" : ""))",
                got: "b gives \(k2)\(transposeB ? ", transposed" : "") (shapes \(x.shape) and \(y.shape))")
        }
        guard [m, n, k].allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw TensorScopeError.invalidArgument(op, expected: "sizes that fit a 32-bit BLAS", got: "shapes \(x.shape) and \(y.shape)")
        }
        let count = try Shapes.allocatableCount(of: [m, n], op: op)
        guard m > 0, n > 0, k > 0 else {
            return Tensor(uncheckedShape: [m, n], scalars: Array(repeating: 0, count: count))
        }
        let scalars = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    BLAS.withSingleThreadedBLAS {
                        cblas_sgemm(
                            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), 1, xs.baseAddress, Int32(x.shape[1]),
                            ys.baseAddress, Int32(y.shape[1]), 0, out.baseAddress, Int32(n))
                    }
                }
            }
            initialized = count
        }
        return Tensor(uncheckedShape: [m, n], scalars: scalars)
    }
}
