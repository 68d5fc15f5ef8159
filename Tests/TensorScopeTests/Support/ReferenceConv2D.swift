import TensorScope

/// A direct, nested-loop 2-D convolution written from docs/TF1-RULES.md ("Windows") without sharing
/// any code with the engine: the obviously-correct yardstick for the im2col + sgemm path.
/// Accumulates in Double, so its own rounding error is negligible next to the engine's.
enum ReferenceConv2D {
    struct Result {
        var shape: [Int]
        var values: [Float]
    }

    /// `strides`/`dilations` as (height, width); `same` selects TF's SAME padding.
    static func conv(
        input x: [Float], inputShape xs: [Int], filter w: [Float], filterShape ws: [Int],
        stride: (Int, Int), dilation: (Int, Int), same: Bool
    ) -> Result? {
        let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3])
        let (kh, kw, o) = (ws[0], ws[1], ws[3])
        func geometry(_ size: Int, _ k: Int, _ s: Int, _ d: Int) -> (out: Int, before: Int)? {
            let span = (k - 1) * d + 1
            if same {
                let out = Int((Double(size) / Double(s)).rounded(.up))
                let total = Swift.max(0, (out - 1) * s + span - size)
                return (out, total / 2)
            }
            if size < span { return nil }
            return ((size - span) / s + 1, 0)
        }
        guard let (oh, top) = geometry(h, kh, stride.0, dilation.0),
              let (ow, left) = geometry(wd, kw, stride.1, dilation.1) else { return nil }
        var y = [Float](repeating: 0, count: n * oh * ow * o)
        for b in 0..<n {
            for i in 0..<oh {
                for j in 0..<ow {
                    for oc in 0..<o {
                        var sum = 0.0
                        for a in 0..<kh {
                            let row = i * stride.0 - top + a * dilation.0
                            if row < 0 || row >= h { continue }
                            for cc in 0..<kw {
                                let col = j * stride.1 - left + cc * dilation.1
                                if col < 0 || col >= wd { continue }
                                for ci in 0..<c {
                                    let xv = x[((b * h + row) * wd + col) * c + ci]
                                    let wv = w[((a * kw + cc) * c + ci) * o + oc]
                                    sum += Double(xv) * Double(wv)
                                }
                            }
                        }
                        y[((b * oh + i) * ow + j) * o + oc] = Float(sum)
                    }
                }
            }
        }
        return Result(shape: [n, oh, ow, o], values: y)
    }
}
