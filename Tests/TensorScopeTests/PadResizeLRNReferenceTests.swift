import Foundation
import Testing
import TensorScope

/// pad, localResponseNormalization, resizeBilinear, resizeNearestNeighbor and
/// batchNormalization against plain loops written from their definitions (in Double where
/// arithmetic is involved), on random shapes; and their errors. The TensorFlow fixtures are in
/// OpTensorFlowTests.
@Suite struct PadResizeLRNReferenceTests {
    /// The input index each padded position of one axis reads (nil: the constant), built as
    /// the mirrored lists the modes describe rather than by formula.
    static func sourceIndices(size: Int, before: Int, after: Int, mode: PadMode) -> [Int?] {
        let middle = Array(0..<size).map(Optional.some)
        switch mode {
        case .constant:
            return Array(repeating: nil, count: before) + middle + Array(repeating: nil, count: after)
        case .reflect:  // the edge is the mirror: [c b | a b c | b a]
            return (1...max(before, 1)).prefix(before).reversed().map(Optional.some) + middle
                + (0..<after).map { Optional(size - 2 - $0) }
        case .symmetric:  // the edge repeats: [b a | a b c | c b]
            return (0..<before).reversed().map(Optional.some) + middle + (0..<after).map { Optional(size - 1 - $0) }
        }
    }

    @Test func padMatchesMirroredIndexLists() throws {
        try Graph().asDefault {
            var rng = TestRandom(77)
            for trial in 0..<60 {
                let rank = rng.int(1...4)
                let shape = (0..<rank).map { _ in rng.int(1...5) }
                let mode = [PadMode.constant, .reflect, .symmetric][trial % 3]
                let paddings = shape.map { size -> [Int] in
                    let limit = mode == .constant ? 4 : (mode == .reflect ? size - 1 : size)
                    return [rng.int(0...limit), rng.int(0...limit)]
                }
                let values = rng.floats(shape.reduce(1, *))
                let fill: Float = mode == .constant ? Float(rng.int(-3...3)) : 0
                let y = try pad(Tensor(shape: shape, scalars: values), paddings: paddings, mode: mode, constantValue: fill)
                let lists = shape.indices.map { Self.sourceIndices(size: shape[$0], before: paddings[$0][0], after: paddings[$0][1], mode: mode) }
                #expect(y.shape == lists.map(\.count), "\(shape) \(paddings) \(mode)")
                var expected: [Float] = []
                var index = [Int](repeating: 0, count: rank)
                for _ in 0..<y.scalarCount {
                    let sources = (0..<rank).map { lists[$0][index[$0]] }
                    if sources.allSatisfy({ $0 != nil }) {
                        expected.append(values[(0..<rank).reduce(0) { $0 * shape[$1] + sources[$1]! }])
                    } else {
                        expected.append(fill)
                    }
                    for axis in (0..<rank).reversed() {
                        index[axis] += 1
                        if index[axis] < lists[axis].count { break }
                        index[axis] = 0
                    }
                }
                #expect(y.scalars == expected, "\(shape) \(paddings) \(mode)")
            }
            let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
            #expect(try pad(x, paddings: [[0, 0], [2, 2]], mode: .reflect).scalars == [3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4])
            #expect(try pad(x, paddings: [[1, 0], [0, 0]], mode: .symmetric).scalars == [1, 2, 3, 1, 2, 3, 4, 5, 6])
            let wide = #expect(throws: TensorScopeError.self) { try pad(x, paddings: [[0, 0], [3, 0]], mode: .reflect) }
            #expect(wide?.description == "pad: expected reflect paddings of at most 2 for axis 1 of size 3, got [3, 0]")
            let negative = #expect(throws: TensorScopeError.self) { try pad(x, paddings: [[0, -1], [0, 0]]) }
            #expect(negative?.description == "pad: expected paddings of at least 0, got [0, -1] for axis 0")
            let rank = #expect(throws: TensorScopeError.self) { try pad(x, paddings: [[1, 1]]) }
            #expect(rank?.description == "pad: expected paddings of shape [2, 2] for a tensor of shape [2, 3], got 2 values")
            #expect(throws: TensorScopeError.self) { try pad(x, paddings: [[1], [1, 1]]) }
        }
        // The op types tf.pad records for each mode and fill.
        let graph = Graph()
        try graph.asDefault {
            let x = Tensor(zeros: [2, 2])
            for (mode, fill) in [(PadMode.constant, Float(0)), (.constant, -0.0), (.constant, 2), (.reflect, 0), (.symmetric, 0)] {
                _ = try pad(x, paddings: [[1, 1], [0, 1]], mode: mode, constantValue: fill)
            }
        }
        let pads = graph.operations.filter { $0.type.hasSuffix("Pad") || $0.type == "PadV2" }
        #expect(pads.map(\.name) == ["Pad", "Pad_1", "PadV2", "MirrorPad", "MirrorPad_1"])
        #expect(pads.map { "\($0.attributes["mode"].map { "\($0)" } ?? "-")" }.suffix(2) == ["string(\"REFLECT\")", "string(\"SYMMETRIC\")"])
    }

    @Test func localResponseNormalizationMatchesTheWindowSum() throws {
        try Graph().asDefault {
            var rng = TestRandom(5)
            for (channels, radius, beta) in [(1, 5, Float(0.5)), (7, 2, 0.75), (20, 4, 1), (33, 40, 0.5), (16, 0, 0.3)] {
                let shape = [2, 2, 3, channels]
                let x = rng.floats(shape.reduce(1, *)).map { $0 * 3 }
                let (bias, alpha): (Float, Float) = (1.5, 0.25)
                let y = try localResponseNormalization(try Tensor(shape: shape, scalars: x), depthRadius: radius, bias: bias,
                                                       alpha: alpha, beta: beta)
                var expected: [Float] = []
                for pixel in 0..<(x.count / channels) {
                    for c in 0..<channels {
                        var sum = 0.0
                        for d in max(0, c - radius)...min(channels - 1, c + radius) {
                            sum += Double(x[pixel * channels + d]) * Double(x[pixel * channels + d])
                        }
                        expected.append(Float(Double(x[pixel * channels + c]) / pow(Double(bias) + Double(alpha) * sum, Double(beta))))
                    }
                }
                expectClose(y.scalars, expected, relative: 1e-5, "channels \(channels) radius \(radius) beta \(beta)")
            }
            // An infinity spoils only the windows that hold it.
            let spiked = try localResponseNormalization(Tensor(shape: [1, 1, 1, 6], scalars: [1, .infinity, 1, 1, 1, 1]), depthRadius: 1)
            #expect(spiked.scalars[0] == 0 && spiked.scalars[1].isNaN && spiked.scalars[3...].allSatisfy { $0.isFinite && $0 > 0 })
            let rank = #expect(throws: TensorScopeError.self) { try localResponseNormalization(Tensor(zeros: [2, 3])) }
            #expect(rank?.description == "lrn: expected input of rank 4 (NHWC), got shape [2, 3]")
            #expect(throws: TensorScopeError.self) { try localResponseNormalization(Tensor(zeros: [1, 1, 1, 2]), depthRadius: -1) }
            #expect(throws: TensorScopeError.self) { try localResponseNormalization(Tensor(zeros: [1, 1, 1, 2]), beta: .nan) }
        }
    }

    /// The source coordinate of output index `i`, in Double, for each rule.
    static func coordinate(_ i: Int, input: Int, output: Int, halfPixel: Bool, alignCorners: Bool) -> Double {
        let scale = alignCorners && output > 1 ? Double(input - 1) / Double(output - 1) : Double(input) / Double(output)
        return halfPixel ? (Double(i) + 0.5) * scale - 0.5 : Double(i) * scale
    }

    @Test func resizeMatchesInterpolationFromItsDefinition() throws {
        try Graph().asDefault {
            var rng = TestRandom(9)
            for trial in 0..<24 {
                let (h, w, c) = (rng.int(1...6), rng.int(1...6), rng.int(1...3))
                let size = [rng.int(1...9), rng.int(1...9)]
                let (halfPixel, align) = [(true, false), (false, false), (false, true)][trial % 3]
                let x = rng.floats(2 * h * w * c)
                let input = try Tensor(shape: [2, h, w, c], scalars: x)
                let at = { (b: Int, y: Int, x0: Int, ch: Int) in Double(x[((b * h + y) * w + x0) * c + ch]) }
                var bilinear: [Float] = [], nearest: [Float] = []
                for b in 0..<2 { for oy in 0..<size[0] { for ox in 0..<size[1] { for ch in 0..<c {
                    let sy = Self.coordinate(oy, input: h, output: size[0], halfPixel: halfPixel, alignCorners: align)
                    let sx = Self.coordinate(ox, input: w, output: size[1], halfPixel: halfPixel, alignCorners: align)
                    // Clamped neighbours; the weight is the distance past the lower one.
                    let (y0, x0) = (Int(sy.rounded(.down)), Int(sx.rounded(.down)))
                    let (wy, wx) = (sy - Double(y0), sx - Double(x0))
                    let cy = { (v: Int) in min(max(v, 0), h - 1) }, cx = { (v: Int) in min(max(v, 0), w - 1) }
                    let top = at(b, cy(y0), cx(x0), ch) * (1 - wx) + at(b, cy(y0), cx(x0 + 1), ch) * wx
                    let bottom = at(b, cy(y0 + 1), cx(x0), ch) * (1 - wx) + at(b, cy(y0 + 1), cx(x0 + 1), ch) * wx
                    bilinear.append(Float(top * (1 - wy) + bottom * wy))
                    // Nearest: TF's rule has no −0.5 in the half-pixel coordinate, and rounds when aligned.
                    let ny = halfPixel ? sy + 0.5 : sy, nx = halfPixel ? sx + 0.5 : sx
                    let pick = { (v: Double, n: Int) in min(max(Int(align ? v.rounded() : v.rounded(.down)), 0), n - 1) }
                    nearest.append(Float(at(b, pick(ny, h), pick(nx, w), ch)))
                } } } }
                let label = "\(h)×\(w) → \(size) halfPixel \(halfPixel) align \(align)"
                let yb = try resizeBilinear(input, size: size, halfPixelCenters: halfPixel, alignCorners: align)
                #expect(yb.shape == [2, size[0], size[1], c], "\(label)")
                expectClose(yb.scalars, bilinear, relative: 1e-5, label)
                let yn = try resizeNearestNeighbor(input, size: size, halfPixelCenters: halfPixel, alignCorners: align)
                #expect(yn.scalars == nearest, "\(label)")
            }
            let x = Tensor(zeros: [1, 2, 2, 1])
            let both = #expect(throws: TensorScopeError.self) { try resizeBilinear(x, size: [3, 3], alignCorners: true) }
            #expect(both?.description == "resizeBilinear: expected align_corners false when half_pixel_centers is true, got both true")
            let size = #expect(throws: TensorScopeError.self) { try resizeNearestNeighbor(x, size: [0, 3]) }
            #expect(size?.description == "resizeNearestNeighbor: expected size of two positive values [height, width], got [0, 3]")
            #expect(throws: TensorScopeError.self) { try resizeBilinear(Tensor(zeros: [1, 0, 2, 1]), size: [2, 2]) }
            #expect(throws: TensorScopeError.self) { try resizeBilinear(Tensor(zeros: [2, 2, 1]), size: [2, 2]) }
        }
    }

    @Test func batchNormalizationMatchesItsFormulaAndRecordsTensorFlowsOps() throws {
        try Graph().asDefault {
            var rng = TestRandom(3)
            let x = rng.floats(2 * 3 * 4)
            let mean = rng.floats(4), variance = rng.floats(4).map { abs($0) + 0.1 }, offset = rng.floats(4), scale = rng.floats(4)
            let y = try batchNormalization(Tensor(shape: [2, 3, 4], scalars: x), mean: Tensor(mean), variance: Tensor(variance),
                                           offset: Tensor(offset), scale: Tensor(scale), varianceEpsilon: 0.01)
            let expected = x.indices.map { i in
                let c = i % 4
                return Float((Double(x[i]) - Double(mean[c])) * Double(scale[c]) / (Double(variance[c]) + 0.01).squareRoot() + Double(offset[c]))
            }
            expectClose(y.scalars, expected, relative: 1e-5, "batchNormalization")
            let names = Graph.current.operations.filter { $0.name.hasPrefix("batchnorm/") && $0.type != "Const" }.map { "\($0.name) \($0.type)" }
            #expect(names == ["batchnorm/add AddV2", "batchnorm/Rsqrt Rsqrt", "batchnorm/mul Mul", "batchnorm/mul_1 Mul",
                              "batchnorm/mul_2 Mul", "batchnorm/sub Sub", "batchnorm/add_1 AddV2"])
            let wrong = #expect(throws: TensorScopeError.self) {
                try batchNormalization(Tensor(zeros: [2, 4]), mean: Tensor(zeros: [3]), variance: Tensor(mean), offset: Tensor(mean),
                                       scale: Tensor(mean), varianceEpsilon: 0.001)
            }
            #expect(wrong?.description == "batchNormalization: expected mean of shape [2, 4], a scalar, or [4], got shape [3]")
        }
    }
}
