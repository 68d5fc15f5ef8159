import CConvKernels

/// Depthwise 2-D convolution, as TensorFlow's `DepthwiseConv2dNative`: each input channel
/// convolved with its own `kh × kw` filters, one output channel per multiplier.
///
/// Two implementations side by side: the C micro-kernels (`ts_dwconv_run`, one per instruction
/// set in the ISA table) for a channel multiplier of 1 — MobileNet's case — fed one row of
/// output pixels at a time through an indirection buffer of tap pointers (the padding's taps
/// point at zeros), rows spread over the workers; and `naive`, plain loops for any multiplier
/// and any CPU, which is also the reference the kernels are tested against.
package enum DepthwiseConv2D {
    /// Whether the micro-kernels take this geometry under `isa`.
    package static func usesKernels(_ g: DepthwiseGeometry, isa: KernelISA?) -> Bool {
        g.multiplier == 1 && isa?.isSupported == true
    }

    /// The filter in the kernels' layout: `[kh, kw, c, 1]` is packed as the indirect GEMM packs
    /// a `[kh, kw, 1, c]` filter (blocks of NR channels, `[taps][NR]`).
    package static func pack(_ filter: UnsafePointer<Float>, _ g: DepthwiseGeometry, isa: KernelISA) -> PackedFilter {
        PackedFilter(hwio: filter, shape: [g.window.kernelHeight, g.window.kernelWidth, 1, g.window.inChannels], isa: isa)
    }

    /// Computes the convolution into `output`, with the epilogue (bias, activation, finiteness
    /// check) applied to each result. `packed` is the filter already in the kernels' layout for
    /// `isa` (a variable's cached one), else it is packed here.
    ///
    /// - Returns: `false` when the check is on and some result is NaN or infinite.
    package static func run(
        _ g: DepthwiseGeometry, input: UnsafePointer<Float>, filter: UnsafePointer<Float>, packed: PackedFilter? = nil,
        epilogue: Epilogue = Epilogue(), isa: KernelISA? = KernelISA.current, into output: UnsafeMutablePointer<Float>
    ) -> Bool {
        guard let isa, usesKernels(g, isa: isa) else {
            return naive(g, input: input, filter: filter, epilogue: epilogue, into: output)
        }
        let weights = packed?.isa == isa ? packed! : pack(filter, g, isa: isa)
        let w = g.window
        let channels = w.inChannels, taps = g.taps
        // ELU is not in the kernels' store: they add the bias, and each row is finished here.
        let kernelActivation = epilogue.activation == .elu ? Activation.none.code : epilogue.activation.code
        let rows = w.batch * w.outHeight
        let chunkCount = min(rows, max(1, Workers.count * 4))
        let finite = epilogue.withPaddedBias(channels: channels, blockWidth: isa.tile.channels) { paddedBias in
            SharedZeros.withZeros(channels) { zero in
            TileScheduler(tileCount: chunkCount, maxWorkers: Workers.count).run { next in
                let pointers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: w.outWidth * taps)
                defer { pointers.deallocate() }
                var finite = true
                while let chunk = next() {
                    for row in (rows * chunk / chunkCount)..<(rows * (chunk + 1) / chunkCount) {
                        let (b, oy) = row.quotientAndRemainder(dividingBy: w.outHeight)
                        fillIndirection(pointers, w, batch: b, outRow: oy, input: input, zero: zero)
                        let out = output.advanced(by: row * w.outWidth * channels)
                        let ok = ts_dwconv_run(isa.code, channels, w.outWidth, taps, pointers, weights.floats, paddedBias,
                                               kernelActivation, out) != 0
                        finite = finite && (ok || !epilogue.checksFiniteness)
                        if epilogue.activation == .elu {
                            let elu = Activation.elu
                            for i in 0..<(w.outWidth * channels) { out[i] = elu(out[i], slope: 0) }
                        }
                    }
                }
                return finite
            }
            }
        }
        withExtendedLifetime(weights) {}
        return finite
    }

    /// The tap pointers of one row of output pixels: for pixel `ox`, tap `(ky, kx)` at
    /// `ox · taps + ky · kw + kx`, the input pixel it reads or `zero`.
    private static func fillIndirection(
        _ pointers: UnsafeMutablePointer<UnsafePointer<Float>?>, _ w: Conv2DGeometry, batch b: Int, outRow oy: Int,
        input: UnsafePointer<Float>, zero: UnsafePointer<Float>
    ) {
        let channels = w.inChannels
        var slot = 0
        for ox in 0..<w.outWidth {
            for ky in 0..<w.kernelHeight {
                let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
                let rowInside = iy >= 0 && iy < w.inHeight
                let rowBase = input.advanced(by: (b * w.inHeight + (rowInside ? iy : 0)) * w.inWidth * channels)
                for kx in 0..<w.kernelWidth {
                    let ix = ox * w.strideWidth - w.padLeft + kx * w.dilationWidth
                    pointers[slot] = rowInside && ix >= 0 && ix < w.inWidth ? rowBase.advanced(by: ix * channels) : zero
                    slot += 1
                }
            }
        }
    }

    /// Plain loops: output `[b, oy, ox, c · multiplier + m]` = Σ over taps of the input pixel
    /// the tap reads (zero outside) times `filter[ky, kx, c, m]`, taps in order; then the
    /// epilogue over each output row.
    package static func naive(
        _ g: DepthwiseGeometry, input: UnsafePointer<Float>, filter: UnsafePointer<Float>, epilogue: Epilogue,
        into output: UnsafeMutablePointer<Float>
    ) -> Bool {
        let w = g.window, mult = g.multiplier, outC = w.outChannels
        var finite = true
        for b in 0..<w.batch {
            for oy in 0..<w.outHeight {
                let row = output.advanced(by: (b * w.outHeight + oy) * w.outWidth * outC)
                for ox in 0..<w.outWidth {
                    let out = row.advanced(by: ox * outC)
                    out.initialize(repeating: 0, count: outC)
                    for ky in 0..<w.kernelHeight {
                        let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
                        guard iy >= 0 && iy < w.inHeight else { continue }
                        for kx in 0..<w.kernelWidth {
                            let ix = ox * w.strideWidth - w.padLeft + kx * w.dilationWidth
                            guard ix >= 0 && ix < w.inWidth else { continue }
                            let pixel = input.advanced(by: ((b * w.inHeight + iy) * w.inWidth + ix) * w.inChannels)
                            let taps = filter.advanced(by: (ky * w.kernelWidth + kx) * outC)
                            for o in 0..<outC { out[o] += pixel[o / mult] * taps[o] }
                        }
                    }
                }
                finite = epilogue.apply(to: row, rows: w.outWidth, columns: outC) && finite
            }
        }
        return finite || !epilogue.checksFiniteness
    }
}
