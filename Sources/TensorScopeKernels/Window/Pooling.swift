import CConvKernels

/// Max and average pooling over windows of an NHWC batch (docs/TF1-RULES.md, "Windows").
package enum PoolingKind: Sendable {
    case max, average
}

/// Every size a pooling window needs, validated once from the arguments as TensorFlow
/// validates them; `op` names the caller in errors.
package struct PoolGeometry: Equatable, Sendable {
    package var batch, inHeight, inWidth, channels: Int
    package var kernelHeight, kernelWidth, strideHeight, strideWidth: Int
    package var outHeight, outWidth, padTop, padLeft: Int

    package var outputShape: [Int] { [batch, outHeight, outWidth, channels] }

    package init(input shape: [Int], ksize: [Int], strides: [Int], padding: Padding, op: String) throws {
        guard shape.count == 4 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "input of rank 4 [batch, height, width, channels]", got: "rank \(shape.count), shape \(shape)")
        }
        (batch, inHeight, inWidth, channels) = (shape[0], shape[1], shape[2], shape[3])
        guard batch > 0, inHeight > 0, inWidth > 0, channels > 0 else {
            throw TensorScopeError.invalidArgument(op, expected: "a non-empty input", got: "shape \(shape)")
        }
        (kernelHeight, kernelWidth) = try WindowAxis.spatialPair(ksize, name: "ksize", op: op)
        (strideHeight, strideWidth) = try WindowAxis.spatialPair(strides, name: "strides", op: op)
        (outHeight, padTop) = try WindowAxis.size(
            input: inHeight, kernel: kernelHeight, stride: strideHeight, dilation: 1, padding: padding, axis: "height", op: op)
        (outWidth, padLeft) = try WindowAxis.size(
            input: inWidth, kernel: kernelWidth, stride: strideWidth, dilation: 1, padding: padding, axis: "width", op: op)
    }
}

package enum Pooling {
    /// Pools `input` into `output` (`geometry.outputShape`). Max pooling takes a cell as
    /// TensorFlow's MaxPool does: starting from the lowest finite float, only when it is greater,
    /// so NaN never wins and a window of NaN or −∞ gives `-Float.greatestFiniteMagnitude`.
    /// Average pooling divides by the count of the window's cells inside the image.
    /// Max pooling runs on the AVX2 row kernel (`ts_max_pool_row_avx2`) where the CPU has it,
    /// unless `portable`; the Swift loop otherwise.
    package static func run(
        _ kind: PoolingKind, _ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        workers: Int = Workers.count, portable: Bool = false
    ) {
        let avx2 = !portable && kind == .max && KernelISA.current != nil
        let (h, w, c) = (g.inHeight, g.inWidth, g.channels)
        let (oh, ow) = (g.outHeight, g.outWidth)
        let start: Float = kind == .max ? -.greatestFiniteMagnitude : 0
        // Output rows (b, i) in tiles of about 8 Ki floats, spread over the cores when the input
        // is large enough to repay it (a convolution's output is spread over both cores' caches,
        // and one core alone waits on the other's).
        let rowCount = g.batch * oh
        let rowsPerTile = max(1, (1 << 13) / (ow * c))
        let tiles = (rowCount + rowsPerTile - 1) / rowsPerTile
        let inputCount = g.batch * h * w * c
        _ = TileScheduler(tileCount: tiles, maxWorkers: inputCount >= 1 << 16 ? workers : 1).run { next in
            while let tile = next() {
                for r in tile * rowsPerTile..<min(rowCount, (tile + 1) * rowsPerTile) {
                    let (b, i) = r.quotientAndRemainder(dividingBy: oh)
                    // The window's rows and columns inside the image.
                    let y0 = max(0, i * g.strideHeight - g.padTop), y1 = min(h, i * g.strideHeight - g.padTop + g.kernelHeight)
                    if avx2 {
                        ts_max_pool_row_avx2(input + (b * h + y0) * w * c, y1 - y0, w, c, ow, g.kernelWidth, g.strideWidth,
                                             g.padLeft, output + r * ow * c)
                        continue
                    }
                    for j in 0..<ow {
                        let x0 = max(0, j * g.strideWidth - g.padLeft)
                        let x1 = min(w, j * g.strideWidth - g.padLeft + g.kernelWidth)
                        let o = output + (r * ow + j) * c
                        if kind == .max {
                            maxWindow(o, input + (b * h + y0) * w * c, rows: y1 - y0, x0: x0, x1: x1, rowFloats: w * c, c)
                        } else {
                            o.initialize(repeating: start, count: c)
                            for y in y0..<y1 {
                                let row = input + (b * h + y) * w * c
                                for xx in x0..<x1 { add(o, row + xx * c, c) }
                            }
                            scale(o, by: 1 / Float((y1 - y0) * (x1 - x0)), c)
                        }
                    }
                }
            }
            return true
        }
    }

    // The channel loops: one cell of `c` channels into one output pixel, 16 lanes at a time
    // (the channels are innermost and contiguous in NHWC).

    /// The maximum of a window (`rows` input rows from `top`, columns `x0..<x1`) into `o`, 16
    /// then 8 channels at a time held in a register across the window, stored once. A cell
    /// replaces the running maximum only when greater: NaN compares false, so it never does, and
    /// the maximum starts at the lowest finite float (TensorFlow's MaxPool). Written out per
    /// vector width: a generic version was not specialised and ran 10× slower.
    @inline(__always)
    private static func maxWindow(
        _ o: UnsafeMutablePointer<Float>, _ top: UnsafePointer<Float>, rows: Int, x0: Int, x1: Int, rowFloats: Int, _ c: Int
    ) {
        var ch = 0
        while ch + 16 <= c {
            var m = SIMD16<Float>(repeating: -.greatestFiniteMagnitude)
            for y in 0..<rows {
                for x in x0..<x1 {
                    let v = UnsafeRawPointer(top + y * rowFloats + x * c + ch).loadUnaligned(as: SIMD16<Float>.self)
                    m.replace(with: v, where: v .> m)
                }
            }
            UnsafeMutableRawPointer(o + ch).storeBytes(of: m, as: SIMD16<Float>.self)
            ch += 16
        }
        while ch + 8 <= c {
            var m = SIMD8<Float>(repeating: -.greatestFiniteMagnitude)
            for y in 0..<rows {
                for x in x0..<x1 {
                    let v = UnsafeRawPointer(top + y * rowFloats + x * c + ch).loadUnaligned(as: SIMD8<Float>.self)
                    m.replace(with: v, where: v .> m)
                }
            }
            UnsafeMutableRawPointer(o + ch).storeBytes(of: m, as: SIMD8<Float>.self)
            ch += 8
        }
        while ch < c {
            var m = -Float.greatestFiniteMagnitude
            for y in 0..<rows {
                for x in x0..<x1 {
                    let v = top[y * rowFloats + x * c + ch]
                    // A select, not a branch: on a feature map the comparison is a coin toss,
                    // and a mispredicted branch per cell made RNet's 28-channel pool (its last
                    // 4 channels here) cost half as much as the convolution before it.
                    m = v > m ? v : m
                }
            }
            o[ch] = m
            ch += 1
        }
    }

    /// `o[ch] += cell[ch]`.
    @inline(__always)
    private static func add(_ o: UnsafeMutablePointer<Float>, _ cell: UnsafePointer<Float>, _ c: Int) {
        Elementwise.lanes(o, cell, count: c, into: o, +, +)
    }

    /// `o[ch] *= factor`.
    @inline(__always)
    private static func scale(_ o: UnsafeMutablePointer<Float>, by factor: Float, _ c: Int) {
        for ch in 0..<c { o[ch] *= factor }
    }
}
