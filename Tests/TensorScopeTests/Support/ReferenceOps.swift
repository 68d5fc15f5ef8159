import Foundation

/// Plain, obviously-correct versions of the classic-CNN ops, in Double, written from
/// docs/TF1-RULES.md and the ops' definitions without sharing code with the engine.
enum ReferenceOps {
    /// Max or average pooling of an NHWC array with TF's SAME/VALID rules; average divides by
    /// the number of window cells inside the image. Nil where VALID does not fit.
    static func pool(_ x: [Float], _ xs: [Int], k: (Int, Int), s: (Int, Int), same: Bool, max isMax: Bool)
        -> (shape: [Int], values: [Float])? {
        let (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
        func axis(_ size: Int, _ k: Int, _ s: Int) -> (Int, Int)? {
            if same {
                let out = (size + s - 1) / s
                return (out, max(0, (out - 1) * s + k - size) / 2)
            }
            return size < k ? nil : ((size - k) / s + 1, 0)
        }
        guard let (oh, top) = axis(h, k.0, s.0), let (ow, left) = axis(w, k.1, s.1) else { return nil }
        var out: [Float] = []
        for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for ch in 0..<c {
            var best = -Double.infinity, sum = 0.0, cells = 0
            for a in 0..<k.0 { for d in 0..<k.1 {
                let y = i * s.0 - top + a, xx = j * s.1 - left + d
                guard y >= 0, y < h, xx >= 0, xx < w else { continue }
                let v = Double(x[((b * h + y) * w + xx) * c + ch])
                best = Swift.max(best, v)
                sum += v
                cells += 1
            } }
            out.append(Float(isMax ? best : sum / Double(cells)))
        } } } }
        return ([n, oh, ow, c], out)
    }

    static func matmul(_ a: [Float], _ ashape: [Int], _ b: [Float], _ bshape: [Int], ta: Bool, tb: Bool) -> [Float] {
        let (m, k) = ta ? (ashape[1], ashape[0]) : (ashape[0], ashape[1])
        let n = tb ? bshape[0] : bshape[1]
        func at(_ i: Int, _ p: Int) -> Double { Double(ta ? a[p * ashape[1] + i] : a[i * ashape[1] + p]) }
        func bt(_ p: Int, _ j: Int) -> Double { Double(tb ? b[j * bshape[1] + p] : b[p * bshape[1] + j]) }
        var out: [Float] = []
        for i in 0..<m { for j in 0..<n { out.append(Float((0..<k).reduce(0.0) { $0 + at(i, $1) * bt($1, j) })) } }
        return out
    }

    static func softmax(_ x: [Float], width: Int) -> [Float] {
        stride(from: 0, to: x.count, by: width).flatMap { start -> [Float] in
            let row = x[start..<start + width].map(Double.init)
            let top = row.max()!
            let e = row.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { Float($0 / sum) }
        }
    }

    static func argmax(_ x: [Float], _ shape: [Int], axis: Int) -> [Int] {
        let outer = shape[..<axis].reduce(1, *), size = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var out: [Int] = []
        for o in 0..<outer { for i in 0..<inner {
            var best = 0
            for k in 0..<size where x[(o * size + k) * inner + i] > x[(o * size + best) * inner + i] { best = k }
            out.append(best)
        } }
        return out
    }
}
