import TensorScopeKernels
/// Max pooling over windows of an NHWC batch, as `tf.nn.max_pool2d`.
///
/// - Parameters:
///   - input: `[batch, height, width, channels]`.
///   - ksize: the window, 1, 2 or 4 numbers (`[k]`, `[kh, kw]`, `[1, kh, kw, 1]`).
///   - strides: the step, in the same forms.
///   - padding: `.same` or `.valid`, with the convolution's rules (docs/TF1-RULES.md, "Windows");
///     padding cells never win.
/// - Returns: `[batch, outHeight, outWidth, channels]`, `y[b,i,j,c] = max x[b, i·sh − padTop + a, j·sw − padLeft + d, c]`
///   over the window cells inside the image, taken as TensorFlow's MaxPool takes it: starting
///   from the lowest finite float, a cell counts only when it is greater, so NaN never wins
///   (a window of NaN, or of NaN and −∞, gives `-Float.greatestFiniteMagnitude`).
/// - Throws: `.invalidArgument` (message starting `maxPool:`) for a rank other than 4, an empty
///   input, bad `ksize`/`strides`, or a VALID window larger than the input.
///
/// Records a `MaxPool` op named `MaxPool2d`, as `tf.nn.max_pool2d` names it.
public func maxPool(_ input: some TensorConvertible, ksize: [Int], strides: [Int], padding: Padding) throws -> Tensor {
    try pool(.max, input, ksize: ksize, strides: strides, padding: padding)
}

/// Average pooling over windows of an NHWC batch, as `tf.nn.avg_pool2d`.
///
/// Arguments as `maxPool`. Each output is the mean of the window cells **inside** the image:
/// with SAME padding a window hanging over the edge divides by its count of real pixels, as
/// TensorFlow does. Records an `AvgPool` op named `AvgPool2D`, as `tf.nn.avg_pool2d` names it.
public func avgPool(_ input: some TensorConvertible, ksize: [Int], strides: [Int], padding: Padding) throws -> Tensor {
    try pool(.average, input, ksize: ksize, strides: strides, padding: padding)
}

private enum PoolKind {
    case max, average
}

private func pool(_ kind: PoolKind, _ input: some TensorConvertible, ksize: [Int], strides: [Int], padding: Padding) throws -> Tensor {
    // TensorFlow 2's max_pool2d and avg_pool2d name their scopes "MaxPool2d" and "AvgPool2D".
    let (type, name, op, argument) = kind == .max
        ? ("MaxPool", "MaxPool2d", "maxPool", "input") : ("AvgPool", "AvgPool2D", "avgPool", "value")
    return try runOperation(type, name: name, [OpInput(argument, input)], attributes: .float32([
        "ksize": .ints(WindowAxis.nhwcAttribute(ksize)), "strides": .ints(WindowAxis.nhwcAttribute(strides)),
        "padding": .string(padding.rawValue), "data_format": .string("NHWC"),
    ])) { values in
        let x = values[0]
        guard x.rank == 4 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "input of rank 4 [batch, height, width, channels]", got: "rank \(x.rank), shape \(x.shape)")
        }
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        guard n > 0, h > 0, w > 0, c > 0 else {
            throw TensorScopeError.invalidArgument(op, expected: "a non-empty input", got: "shape \(x.shape)")
        }
        let (kh, kw) = try WindowAxis.spatialPair(ksize, name: "ksize", op: op)
        let (sh, sw) = try WindowAxis.spatialPair(strides, name: "strides", op: op)
        let (oh, top) = try WindowAxis.size(input: h, kernel: kh, stride: sh, dilation: 1, padding: padding, axis: "height", op: op)
        let (ow, left) = try WindowAxis.size(input: w, kernel: kw, stride: sw, dilation: 1, padding: padding, axis: "width", op: op)
        let outputShape = [n, oh, ow, c]
        let count = try Shapes.allocatableCount(of: outputShape, op: op)
        let scalars = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            x.withUnsafeBufferPointer { xs in
                let (input, output) = (xs.baseAddress!, out.baseAddress!)
                // TensorFlow's start value: a window whose cells are all NaN or -inf gives the
                // lowest finite float, as MaxPool gives it.
                let start: Float = kind == .max ? -.greatestFiniteMagnitude : 0
                // Output rows (b, i) in tiles of about 8 Ki floats, spread over the cores when
                // the input is large enough to repay starting them (a convolution's output is
                // spread over both cores' caches, and one core alone waits on the other's).
                let rowCount = n * oh
                let rowsPerTile = max(1, (1 << 13) / (ow * c))
                let tiles = (rowCount + rowsPerTile - 1) / rowsPerTile
                let workers = xs.count >= 1 << 16 ? Workers.count : 1
                _ = TileScheduler(tileCount: tiles, maxWorkers: workers).run { next in
                    while let tile = next() {
                        for r in tile * rowsPerTile..<min(rowCount, (tile + 1) * rowsPerTile) {
                            let (b, i) = r.quotientAndRemainder(dividingBy: oh)
                            // The window's rows and columns inside the image.
                            let y0 = max(0, i * sh - top), y1 = min(h, i * sh - top + kh)
                            for j in 0..<ow {
                                let x0 = max(0, j * sw - left), x1 = min(w, j * sw - left + kw)
                                let o = output + (r * ow + j) * c
                                o.initialize(repeating: start, count: c)
                                for y in y0..<y1 {
                                    let row = input + (b * h + y) * w * c
                                    for xx in x0..<x1 {
                                        if kind == .max { Pool.takeMax(o, row + xx * c, c) } else { Pool.add(o, row + xx * c, c) }
                                    }
                                }
                                if kind == .average { Pool.scale(o, by: 1 / Float((y1 - y0) * (x1 - x0)), c) }
                            }
                        }
                    }
                    return true
                }
            }
            initialized = count
        }
        return Tensor(uncheckedShape: outputShape, scalars: scalars)
    }
}

/// The channel loops of pooling: one cell of `c` channels into one output pixel, 16 lanes at a
/// time (the channels are innermost and contiguous in NHWC).
private enum Pool {
    /// `o[ch] = cell[ch] > o[ch] ? cell[ch] : o[ch]` — NaN compares false, so it never replaces.
    @inline(__always)
    static func takeMax(_ o: UnsafeMutablePointer<Float>, _ cell: UnsafePointer<Float>, _ c: Int) {
        combine(o, cell, c, { m, v in m.replacing(with: v, where: v .> m) }, { m, v in v > m ? v : m })
    }

    /// `o[ch] += cell[ch]`.
    @inline(__always)
    static func add(_ o: UnsafeMutablePointer<Float>, _ cell: UnsafePointer<Float>, _ c: Int) {
        combine(o, cell, c, +, +)
    }

    /// `o[ch] = f(o[ch], cell[ch])`: `lanes` on 16 channels at a time, `one` on the rest.
    @inline(__always)
    private static func combine(
        _ o: UnsafeMutablePointer<Float>, _ cell: UnsafePointer<Float>, _ c: Int,
        _ lanes: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>, _ one: (Float, Float) -> Float
    ) {
        var ch = 0
        while ch + 16 <= c {
            let v = UnsafeRawPointer(cell + ch).loadUnaligned(as: SIMD16<Float>.self)
            let m = UnsafeRawPointer(o + ch).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(o + ch).storeBytes(of: lanes(m, v), as: SIMD16<Float>.self)
            ch += 16
        }
        while ch < c {
            o[ch] = one(o[ch], cell[ch])
            ch += 1
        }
    }

    /// `o[ch] *= factor`.
    @inline(__always)
    static func scale(_ o: UnsafeMutablePointer<Float>, by factor: Float, _ c: Int) {
        for ch in 0..<c { o[ch] *= factor }
    }
}
