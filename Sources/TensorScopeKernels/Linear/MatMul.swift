import COpenBLAS

/// The sizes of a 2-D matrix product, validated as `tf.matmul` validates them.
package struct MatMulGeometry: Equatable, Sendable {
    package let m, n, k: Int
    package let transposeA, transposeB: Bool
    /// Leading dimensions of the operands as stored (their second dimension).
    package let lda, ldb: Int

    package var outputShape: [Int] { [m, n] }

    package init(a: [Int], b: [Int], transposeA: Bool, transposeB: Bool, op: String = "matmul") throws {
        guard a.count == 2, b.count == 2 else {
            throw TensorScopeError.invalidArgument(op, expected: "two 2-D tensors", got: "shapes \(a) and \(b)")
        }
        let (m, k) = transposeA ? (a[1], a[0]) : (a[0], a[1])
        let (k2, n) = transposeB ? (b[1], b[0]) : (b[0], b[1])
        guard k == k2 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "inner dimensions that agree (a gives \(k)\(transposeA ? ", transposed" : ""))",
                got: "b gives \(k2)\(transposeB ? ", transposed" : "") (shapes \(a) and \(b))")
        }
        guard [m, n, k].allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw TensorScopeError.invalidArgument(op, expected: "sizes that fit a 32-bit BLAS", got: "shapes \(a) and \(b)")
        }
        (self.m, self.n, self.k) = (m, n, k)
        (self.transposeA, self.transposeB) = (transposeA, transposeB)
        (lda, ldb) = (a[1], b[1])
    }
}

package enum MatMul {
    /// `output[m × n] = a · b` (of the transposed operands), one single-threaded OpenBLAS `sgemm`
    /// (its thread count is process-wide; see `BLAS.withSingleThreadedBLAS`). An empty inner
    /// dimension gives zeros.
    package static func run(
        _ g: MatMulGeometry, a: UnsafePointer<Float>, b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        guard g.m > 0, g.n > 0 else { return }
        guard g.k > 0 else {
            output.initialize(repeating: 0, count: g.m * g.n)
            return
        }
        if g.m <= smallRows && !g.transposeA && !g.transposeB {
            return smallProduct(g, a: a, b: b, output: output)
        }
        BLAS.withSingleThreadedBLAS {
            cblas_sgemm(
                CblasRowMajor, g.transposeA ? CblasTrans : CblasNoTrans, g.transposeB ? CblasTrans : CblasNoTrans,
                Int32(g.m), Int32(g.n), Int32(g.k), 1, a, Int32(g.lda), b, Int32(g.ldb), 0, output, Int32(g.n))
        }
    }

    /// Up to this many rows (a dense layer at batch 1 to 4), `smallProduct` instead of `sgemm`,
    /// whose packing and dispatch cost more than the product itself there (13 k instructions of
    /// OpenBLAS for the digits CNN's two dense layers at batch 1, against 2 k of arithmetic).
    package static let smallRows = 4

    /// Each output row as a sum of `b`'s rows weighted by `a`'s, 16 columns at a time held in a
    /// register across the inner dimension (explicit vectors: the compiler cannot vectorise a
    /// loop through pointers that might alias).
    private static func smallProduct(
        _ g: MatMulGeometry, a: UnsafePointer<Float>, b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        let n = g.n
        for i in 0..<g.m {
            let o = output + i * n, x = a + i * g.lda
            var j = 0
            while j + 16 <= n {
                var acc = SIMD16<Float>()
                for p in 0..<g.k {
                    acc += x[p] * UnsafeRawPointer(b + p * g.ldb + j).loadUnaligned(as: SIMD16<Float>.self)
                }
                UnsafeMutableRawPointer(o + j).storeBytes(of: acc, as: SIMD16<Float>.self)
                j += 16
            }
            while j < n {
                var acc: Float = 0
                for p in 0..<g.k { acc += x[p] * b[p * g.ldb + j] }
                o[j] = acc
                j += 1
            }
        }
    }
}
