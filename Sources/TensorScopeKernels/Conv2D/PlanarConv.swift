import CConvKernels

/// Direct convolution with the vector lanes across output pixels instead of output channels, for
/// stride-1 undilated layers of at most 4 input and 12 output channels and 64 taps — an RGB first layer with
/// few filters, as MTCNN's PNet (3 → 10), whose channel vectors (16 lanes for AVX2's micro-kernel,
/// 32 for AVX-512's) would stay mostly empty.
///
/// Each worker takes bands of `rowsPerTile` output rows of one image: it copies the input rows
/// a band reads into a planar buffer, zero-padded left and right (one plane per input channel,
/// so 8 neighbouring pixels of a channel are one load; kernel rows in the top or bottom padding
/// are skipped, not copied), then `planar_run.c`'s kernel computes 8 pixels of a row
/// at once, one accumulator per output channel, each multiply-add a broadcast weight of the
/// HWIO filter (read as it is: nothing is packed), and transposes the accumulators to NHWC
/// pixels in the store, after the finiteness check, bias and activation.
package struct PlanarConv: Conv2DOperator {
    /// Output rows per scheduler tile: the band's copy reads `kh − 1` more rows than it computes.
    package static let rowsPerTile = 8

    package var algorithm: Conv2DAlgorithm { .planar }
    package let geometry: Conv2DGeometry
    package let isa: KernelISA
    package let scheduler: TileScheduler
    private let bandsPerImage: Int

    /// Whether the planar kernels take `g` on `isa`'s CPU (`ts_planar_supports`).
    package static func supports(_ g: Conv2DGeometry, isa: KernelISA) -> Bool {
        var shape = ts_conv_params(g)
        return ts_planar_supports(isa.code, &shape) != 0
    }

    /// Whether the planner takes it: where it applies and rows have at least 16 pixels (two
    /// vectors); on narrower maps the pixel lanes would stay as empty as the channel ones.
    package static func isPreferred(_ g: Conv2DGeometry, isa: KernelISA) -> Bool {
        g.outWidth >= 16 && supports(g, isa: isa)
    }

    package init(geometry: Conv2DGeometry, isa: KernelISA, workers: Int = Workers.count) {
        self.geometry = geometry
        self.isa = isa
        bandsPerImage = (geometry.outHeight + Self.rowsPerTile - 1) / Self.rowsPerTile
        scheduler = TileScheduler(tileCount: geometry.batch * bandsPerImage, maxWorkers: workers)
    }

    /// One band's copy per worker, and the biases (with PReLU's slopes after them).
    package var scratchBytes: Int {
        var shape = ts_conv_params(geometry)
        let band = ts_planar_band_floats(&shape, min(Self.rowsPerTile, geometry.outHeight))
        return 4 * (scheduler.workers * band + 2 * geometry.n)
    }

    package func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool {
        let g = geometry
        // One block as wide as the layer: the biases, then PReLU's slopes.
        return epilogue.withPaddedBias(channels: g.n, blockWidth: g.n) { bias in
            var params = ts_conv_params(
                g, input: input, weights: filter, bias: bias, output: output, activation: epilogue.activation.code,
                checkFinite: epilogue.checksFiniteness)
            let bandFloats = ts_planar_band_floats(&params, min(Self.rowsPerTile, g.outHeight))
            let (isaCode, rows, bands) = (isa.code, g.outHeight, bandsPerImage)
            return withUnsafePointer(to: &params) { params in
                scheduler.run { next in
                    let band = UnsafeMutablePointer<Float>.allocate(capacity: max(1, bandFloats))
                    defer { band.deallocate() }
                    var finite = true
                    while let tile = next() {
                        let (image, index) = tile.quotientAndRemainder(dividingBy: bands)
                        let first = index * Self.rowsPerTile
                        finite = ts_planar_run(isaCode, params, band, image, first, min(Self.rowsPerTile, rows - first)) != 0
                            && finite
                    }
                    return finite
                }
            }
        }
    }
}
