import Foundation
import Testing
import TensorScope
@testable import TensorScopeImage
import CImageKernels

@Suite struct ImageTransformTests {
    /// A 2×2 image upscaled to 4×4 with half-pixel centres: source coordinates
    /// (i + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped rows/columns and lerps 0.75, 0.25, 0.75, 0.25.
    @Test func bilinearMatchesHalfPixelCentresByHand() throws {
        let image = Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3])
        let big = try image.resizedBilinear(width: 4, height: 4)
        func at(_ x: Double, _ y: Double) -> Float {
            // bilinear on the 2×2 grid with coordinates clamped to [0, 1]
            let cx = min(max(x, 0), 1), cy = min(max(y, 0), 1)
            return Float((1 - cy) * ((1 - cx) * 0 + cx * 1) + cy * ((1 - cx) * 2 + cx * 3))
        }
        let coords = [-0.25, 0.25, 0.75, 1.25]
        for (row, y) in coords.enumerated() {
            for (col, x) in coords.enumerated() {
                #expect(abs(big.pixels[row * 4 + col] - at(x, y)) < 1e-6, "(\(col), \(row))")
            }
        }
        #expect(try image.resizedBilinear(width: 2, height: 2) == image)
    }

    @Test func fitModesGiveTheDocumentedSizes() throws {
        let wide = Image(width: 451, height: 300, channels: 3, pixels: Array(repeating: 0.5, count: 451 * 300 * 3))
        for fit in Fit.allCases {
            let out = try ImageBatch.fitted(wide, size: 224, fit: fit, path: "wide")
            #expect(out.width == 224 && out.height == 224 && out.channels == 3)
            #expect(out.pixels.allSatisfy { abs($0 - 0.5) < 1e-6 })
        }
        #expect(throws: TensorScopeError.self) { try ImageBatch.fitted(wide, size: 400, fit: .crop, path: "wide") }
        #expect(throws: TensorScopeError.self) { try ImageBatch.fitted(wide, size: 0, fit: .fill, path: "wide") }
        #expect(throws: TensorScopeError.self) { try ImageBatch.fitted(wide, size: Int.max / 2, fit: .fill, path: "wide") }
        // Centre crop keeps the middle: a horizontal ramp cropped to 2 of 6 columns.
        let ramp = Image(width: 6, height: 1, channels: 1, pixels: [0, 1, 2, 3, 4, 5])
        #expect(try ImageBatch.fitted(ramp, size: 1, fit: .crop, path: "ramp").pixels == [2])
    }

    @Test func batchesStackImagesOfDifferentSizes() throws {
        let names = ["chelsea.png", "coffee_256.png", "astronaut_256.png", "camera.png"]
        let batch = try ImageBatch.load(names.map(Paths.photo), size: 40, fit: .fill)
        #expect(batch.shape == [4, 40, 40, 3])
        // camera.png is gray: its three channels are equal.
        let camera = Array(batch.scalars[(3 * 40 * 40 * 3)...])
        let pixelStarts = Array(stride(from: 0, to: camera.count, by: 3))
        let equalChannels = pixelStarts.allSatisfy { (i: Int) -> Bool in camera[i] == camera[i + 1] && camera[i] == camera[i + 2] }
        #expect(equalChannels)
    }

    @Test func mosaicNormalisesEachChannelIntoAGrid() throws {
        // 2 images of 2×3 with 3 channels; channel c of image 1 holds c·10 + pixel index.
        var values = [Float](repeating: 0, count: 2 * 2 * 3 * 3)
        for p in 0..<6 { for c in 0..<3 { values[(6 + p) * 3 + c] = Float(c * 10 + p) } }
        let features = try Tensor(shape: [2, 2, 3, 3], scalars: values)
        let mosaic = try FeatureMosaic.make(features, index: 1, columns: 2)
        #expect(mosaic.width == 2 * 3 + 1 && mosaic.height == 2 * 2 + 1 && mosaic.channels == 1)
        // Channel 0 in the top-left tile: pixel p normalised to p / 5.
        for y in 0..<2 { for x in 0..<3 {
            #expect(abs(mosaic.pixels[y * 7 + x] - Float(y * 3 + x) / 5) < 1e-6)
        } }
        // Gaps and the unused fourth tile are white.
        #expect(mosaic.pixels[3] == 1)
        #expect(mosaic.pixels[3 * 7 + 4] == 1)
        #expect(throws: TensorScopeError.self) { try FeatureMosaic.make(features, index: 2) }
    }

    /// The mosaic equals a plain per-channel loop bit for bit, on random maps with NaN, a
    /// constant channel and a partly filled last row.
    @Test func mosaicEqualsThePerChannelLoop() throws {
        var rng = TestRandom(31)
        let (n, h, w, c, columns) = (2, 5, 7, 11, 4)
        var values = rng.floats(n * h * w * c)
        values[3 * c + 2] = .nan
        for p in 0..<(h * w) { values[(h * w + p) * c + 5] = 0.25 }  // image 1, channel 5 constant
        let features = try Tensor(shape: [n, h, w, c], scalars: values)
        for index in 0..<n {
            let mosaic = try FeatureMosaic.make(features, index: index, columns: columns)
            let (width, height) = (columns * (w + 1) - 1, ((c + columns - 1) / columns) * (h + 1) - 1)
            var expected = [Float](repeating: 1, count: width * height)
            let base = index * h * w * c
            for channel in 0..<c {
                var low = Float.infinity, high = -Float.infinity
                for p in 0..<(h * w) {
                    low = min(low, values[base + p * c + channel])
                    high = max(high, values[base + p * c + channel])
                }
                let (x0, y0) = ((channel % columns) * (w + 1), (channel / columns) * (h + 1))
                for y in 0..<h { for x in 0..<w {
                    let v = values[base + (y * w + x) * c + channel]
                    expected[(y0 + y) * width + x0 + x] = high - low > 0 ? (v - low) / (high - low) : 0
                } }
            }
            #expect(mosaic.width == width && mosaic.height == height)
            #expect(mosaic.pixels.elementsEqual(expected) { $0.bitPattern == $1.bitPattern }, "image \(index)")
        }
    }

    /// The mosaic PNG (written by C, `ts_mosaic_tiles_gray8`) holds exactly the bytes the float
    /// mosaic quantises to, on random maps with NaN, ±infinity, negative values, a constant
    /// channel, a partly filled last row, and channel counts below, at and above the vector width.
    @Test(arguments: [(5, 2), (11, 4), (32, 8), (40, 6)])
    func mosaicFileHoldsTheQuantisedFloatMosaic(channels c: Int, columns: Int) throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = TestRandom(UInt64(c * 100 + columns))
        let (n, h, w) = (2, 6, 9)
        var values = rng.floats(n * h * w * c).map { $0 * 3 - 1 }
        values[3 * c + 1] = .nan
        values[7 * c + 2] = .infinity
        values[(h * w + 4) * c + 3] = -.infinity
        for p in 0..<(h * w) { values[(h * w + p) * c + c - 1] = 0.25 }  // image 1, last channel constant
        let features = try Tensor(shape: [n, h, w, c], scalars: values)
        for index in 0..<n {
            let path = folder.appendingPathComponent("m\(index).png").path
            try FeatureMosaic.write(features, index: index, columns: columns, to: path)
            let float = try FeatureMosaic.make(features, index: index, columns: columns)
            let read = try PNGReader.read(path)
            #expect(read.width == float.width && read.height == float.height && read.channels == 1)
            let bytes = read.pixels.map { UInt8(($0 * 255).rounded()) }
            let expected = float.pixels.map(PNGWriter.quantize)
            #expect(bytes == expected, "image \(index): \(zip(bytes, expected).filter { $0 != $1 }.count) samples differ")
        }
    }

    /// `PNGWriter.quantize` (add ½, truncate) is `(v · 255).rounded()` after the clamp, for
    /// every 97th float in [0, 1] and the halfway points of all 256 levels and their neighbours.
    @Test func quantizeRoundsAsRoundedDoes() {
        func plain(_ v: Float) -> UInt8 { v.isNaN ? 0 : UInt8((min(max(v, 0), 1) * 255).rounded()) }
        var mismatches = 0
        for bits in stride(from: UInt32(0), through: Float(1).bitPattern, by: 97) {
            let v = Float(bitPattern: bits)
            if PNGWriter.quantize(v) != plain(v) { mismatches += 1 }
        }
        for level in 0..<256 {
            let half = (Float(level) + 0.5) / 255
            for v in [half.nextDown, half, half.nextUp] where PNGWriter.quantize(v) != plain(v) { mismatches += 1 }
        }
        for v: Float in [-1, -0.0, 2, .infinity, -.infinity, .nan] where PNGWriter.quantize(v) != plain(v) { mismatches += 1 }
        #expect(mismatches == 0)
    }

    /// `ts_summary` (image-filter's batch line) against a plain loop: min and max exact, zeros
    /// counted exactly, the sum within float rounding; lengths around the vector width and the
    /// 4096-value blocks, a NaN that must not become a bound.
    @Test(arguments: [0, 1, 7, 8, 9, 4095, 4096, 4097, 20_003])
    func summaryMatchesAPlainLoop(count: Int) {
        var rng = TestRandom(UInt64(count + 1))
        var values = rng.floats(count).map { $0 < -0.3 ? 0 : $0 * 50 }
        if count > 5 { values[count / 2] = 1e6; values[count - 1] = -1e6 }
        var (low, high, sum, zeros): (Float, Float, Double, Int) = (0, 0, 0, 0)
        ts_summary(values, values.count, &low, &high, &sum, &zeros)
        #expect(low == (values.min() ?? .infinity) && high == (values.max() ?? -.infinity))
        #expect(zeros == values.filter { $0 == 0 }.count)
        let plain = values.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - plain) <= 1e-5 * values.reduce(0.0) { $0 + abs(Double($1)) } + 1e-9, "\(sum) vs \(plain)")
        if count > 5 {
            values[1] = .nan
            ts_summary(values, values.count, &low, &high, &sum, &zeros)
            #expect(low == -1e6 && high == 1e6 && sum.isNaN)
        }
    }
}
