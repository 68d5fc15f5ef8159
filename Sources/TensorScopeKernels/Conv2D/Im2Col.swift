/// Copies the receptive fields of a run of output pixels into the rows of a matrix.
///
/// Row `r` of the tile is output pixel `firstRow + r` (pixels numbered `b·oh·ow + i·ow + j`,
/// the order of NHWC output rows). Its `K = kh·kw·c` columns are ordered `(a, b, channel)`,
/// the row-major order of an HWIO filter, so `tile · filter` is the output tile. Taps that
/// fall in the padding are zeros.
///
/// Away from the borders, with no horizontal dilation, the `kw` taps of a kernel row are
/// adjacent in the input and are copied as one run of `kw·c` floats; that is the common
/// case and the reason the loop is shaped as it is.
///
/// Runs of at most 16 floats (an RGB first layer: 5 taps × 3 channels = 15) are moved as one
/// 16-float vector instead of a `memmove` call, whose start-up costs more than such a copy. The
/// extra floats land in the places of the runs after it, which are written later; a run whose
/// 16 floats would reach past the tile or past the input is copied exactly.
package struct Im2Col {
    package let geometry: Conv2DGeometry

    package func fill(
        tile: UnsafeMutablePointer<Float>, firstRow: Int, rows: Int, input: UnsafePointer<Float>
    ) {
        let g = geometry
        let inputEnd = input + g.batch * g.inHeight * g.inWidth * g.inChannels
        let tileEnd = tile + rows * g.k
        let c = g.inChannels
        let k = g.k
        let kernelRun = g.kernelWidth * c
        let pixelsPerImage = g.outHeight * g.outWidth
        let rowStride = g.inWidth * c
        let imageStride = g.inHeight * rowStride
        let contiguousRows = g.dilationWidth == 1

        var pixel = firstRow
        var b = pixel / pixelsPerImage
        var i = (pixel % pixelsPerImage) / g.outWidth
        var j = pixel % g.outWidth
        for r in 0..<rows {
            var dst = tile + r * k
            let image = input + b * imageStride
            let top = i * g.strideHeight - g.padTop
            let left = j * g.strideWidth - g.padLeft
            let rowInside = left >= 0 && left + (g.kernelWidth - 1) * g.dilationWidth < g.inWidth
            for a in 0..<g.kernelHeight {
                let y = top + a * g.dilationHeight
                if y < 0 || y >= g.inHeight {
                    dst.update(repeating: 0, count: kernelRun)
                } else if contiguousRows && rowInside {
                    let source = image + y * rowStride + left * c
                    if kernelRun <= 16 && source + 16 <= inputEnd && dst + 16 <= tileEnd {
                        UnsafeMutableRawPointer(dst).storeBytes(
                            of: UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                    } else {
                        dst.update(from: source, count: kernelRun)
                    }
                } else {
                    let line = image + y * rowStride
                    var x = left
                    for tap in 0..<g.kernelWidth {
                        let d = dst + tap * c
                        if x < 0 || x >= g.inWidth {
                            d.update(repeating: 0, count: c)
                        } else {
                            d.update(from: line + x * c, count: c)
                        }
                        x += g.dilationWidth
                    }
                }
                dst += kernelRun
            }
            pixel += 1
            j += 1
            if j == g.outWidth {
                j = 0
                i += 1
                if i == g.outHeight {
                    i = 0
                    b += 1
                }
            }
        }
    }
}
