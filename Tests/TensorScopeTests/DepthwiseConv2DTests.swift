import Foundation
import Testing
@testable import TensorScopeKernels
import TensorScope

/// Depthwise convolution against a reference written here from the definition (a sum per
/// output element over the taps, in Double), on random shapes under every instruction set
/// the CPU runs and the plain loops, with each fused epilogue; its errors; and a Session's
/// plan folding a batch norm into it and fusing bias and ReLU6. TensorFlow's numbers are in
/// OpTensorFlowTests (ops.json's depthwise cases).
@Suite struct DepthwiseConv2DTests {
    /// `y[b, oy, ox, c·M + m] = Σ x[b, oy·s − pad + ky·d, ox·s − pad + kx·d, c] · w[ky, kx, c, m]`.
    static func reference(
        _ x: [Float], _ xs: [Int], _ w: [Float], _ ws: [Int], stride: Int, dilation: Int, same: Bool
    ) -> (values: [Float], shape: [Int])? {
        let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3]), (kh, kw, mult) = (ws[0], ws[1], ws[3])
        let (ekh, ekw) = ((kh - 1) * dilation + 1, (kw - 1) * dilation + 1)
        let oh = same ? (h + stride - 1) / stride : (h - ekh) / stride + 1
        let ow = same ? (wd + stride - 1) / stride : (wd - ekw) / stride + 1
        guard oh > 0, ow > 0, same || (h >= ekh && wd >= ekw) else { return nil }
        let top = same ? max(0, (oh - 1) * stride + ekh - h) / 2 : 0
        let left = same ? max(0, (ow - 1) * stride + ekw - wd) / 2 : 0
        var y: [Float] = []
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c { for m in 0..<mult {
            var sum = 0.0
            for ky in 0..<kh { for kx in 0..<kw {
                let (iy, ix) = (oy * stride - top + ky * dilation, ox * stride - left + kx * dilation)
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                sum += Double(x[((b * h + iy) * wd + ix) * c + ch]) * Double(w[((ky * kw + kx) * c + ch) * mult + m])
            } }
            y.append(Float(sum))
        } } } } }
        return (y, [n, oh, ow, c * mult])
    }

    @Test func matchesTheReferenceUnderEveryInstructionSetAndTheLoops() throws {
        var rng = TestRandom(2027)
        var checked = 0
        while checked < 60 {
            let channels = [1, 3, 8, 15, 16, 17, 31, 32, 33, 48, 70][rng.int(0...10)]
            let mult = rng.int(0...3) == 0 ? rng.int(2...3) : 1
            let xs = [rng.int(1...2), rng.int(1...9), rng.int(1...9), channels]
            let k = rng.int(1...5), stride = rng.int(1...2), dilation = rng.int(0...4) == 0 ? 2 : 1
            let same = rng.int(0...1) == 0
            let ws = [k, [k, 3][rng.int(0...1)], channels, mult]
            let x = rng.floats(xs.reduce(1, *)), w = rng.floats(ws.reduce(1, *))
            guard let expected = Self.reference(x, xs, w, ws, stride: stride, dilation: dilation, same: same) else { continue }
            let g = try DepthwiseGeometry(input: xs, filter: ws, strides: [stride], padding: same ? .same : .valid,
                                          dilations: [dilation])
            #expect(g.outputShape == expected.shape)
            let label = "x \(xs) w \(ws) s\(stride) d\(dilation) same \(same)"
            for isa in [nil] + KernelISA.allCases.filter(\.isSupported).map(Optional.some) {
                var y = [Float](repeating: .nan, count: expected.values.count)
                let finite = DepthwiseConv2D.run(g, input: x, filter: w, isa: isa, into: &y)
                #expect(finite, "\(label) \(isa.map(\.rawValue) ?? "loops")")
                expectClose(y, expected.values, relative: 1e-5, "\(label) \(isa.map(\.rawValue) ?? "loops")")
            }
            checked += 1
        }
    }

    /// Bias, ReLU, ReLU6, leaky ReLU, PReLU and ELU applied by each path as the activation
    /// functions define them; a NaN in the input reported, a bias-free ReLU keeping it out.
    @Test func epiloguesMatchTheActivationsApart() throws {
        var rng = TestRandom(8)
        let xs = [1, 5, 6, 37], ws = [3, 3, 37, 1]
        let x = rng.floats(xs.reduce(1, *)).map { $0 * 4 }, w = rng.floats(ws.reduce(1, *))
        let bias = rng.floats(37), slopes = rng.floats(37)
        let g = try DepthwiseGeometry(input: xs, filter: ws, strides: [1], padding: .same, dilations: [1])
        let plain = try #require(Self.reference(x, xs, w, ws, stride: 1, dilation: 1, same: true)).values
        let activations: [Activation] = [.none, .relu, .relu6, .leakyRelu(alpha: 0.1), .prelu, .elu]
        for activation in activations {
            let expected = plain.indices.map { i -> Float in
                let v = plain[i] + bias[i % 37]
                return activation(v, slope: slopes[i % 37])
            }
            for isa in [nil] + KernelISA.allCases.filter(\.isSupported).map(Optional.some) {
                var y = [Float](repeating: .nan, count: plain.count)
                let finite = bias.withUnsafeBufferPointer { b in
                    slopes.withUnsafeBufferPointer { s in
                        DepthwiseConv2D.run(g, input: x, filter: w,
                                            epilogue: Epilogue(bias: b.baseAddress, activation: activation,
                                                               slopes: activation == .prelu ? s.baseAddress : nil),
                                            isa: isa, into: &y)
                    }
                }
                #expect(finite)
                expectClose(y, expected, relative: 1e-5, "\(activation) \(isa.map(\.rawValue) ?? "loops")")
            }
        }
        Graph().asDefault {
            var bad = x
            bad[100] = .nan
            let error = #expect(throws: TensorScopeError.self) {
                try depthwiseConv2d(Tensor(shape: xs, scalars: bad), Tensor(shape: ws, scalars: w), padding: .same)
            }
            #expect(error?.description == "depthwiseConv2d: expected finite input values, got nan at input index [0, 0, 2, 26]")
            let depth = #expect(throws: TensorScopeError.self) {
                try depthwiseConv2d(Tensor(zeros: [1, 4, 4, 3]), Tensor(zeros: [3, 3, 2, 1]), padding: .same)
            }
            #expect(depth?.description
                    == "depthwiseConv2d: expected input depth equal to the filter's in_channels (filter [3, 3, 2, 1] takes 2), got input depth 3 (input [1, 4, 4, 3])")
            #expect(throws: TensorScopeError.self) {
                try depthwiseConv2d(Tensor(zeros: [1, 2, 2, 3]), Tensor(zeros: [3, 3, 3, 1]), padding: .valid)
            }
            // Failed ops used up their names, as in TensorFlow.
            _ = try? depthwiseConv2d(Tensor(zeros: [1, 2, 2, 3]), Tensor(zeros: [1, 1, 3, 2]), padding: .valid)
            let op = Graph.current.operations.last
            #expect(op?.type == "DepthwiseConv2dNative" && op?.name == "depthwise_3" && op?.outputShapes == [[1, 2, 2, 6]])
        }
    }

    /// Depthwise convolution, FusedBatchNormV3 and ReLU6 on constants (a frozen MobileNet
    /// block's): one plan step, the batch norm folded into the filter; within 1e-5 of the ops
    /// run eagerly; bias + ReLU6 after a depthwise on a variable filter fused bit for bit.
    @Test func aSessionFoldsBatchNormAndFusesTheEpilogue() throws {
        var rng = TestRandom(19)
        let graph = Graph()
        let (images, filter) = (try Tensor(shape: [2, 8, 8, 24], scalars: rng.floats(2 * 8 * 8 * 24)),
                                try Tensor(shape: [3, 3, 24, 1], scalars: rng.floats(9 * 24)))
        let (scale, offset, mean) = (Tensor(rng.floats(24)), Tensor(rng.floats(24)), Tensor(rng.floats(24)))
        let variance = Tensor(rng.floats(24).map { abs($0) + 0.2 })
        let (folded, fused, eager) = try graph.asDefault {
            let x = try placeholder(shape: [nil, 8, 8, 24], name: "x")
            let y = relu6(try fusedBatchNorm(depthwiseConv2d(x, filter, padding: .same), scale: scale, offset: offset,
                                             mean: mean, variance: variance))
            let w = try getVariable("dw", shape: [3, 3, 24, 1], initializer: .constant(filter.scalars))
            let z = relu6(try biasAdd(try depthwiseConv2d(x, w, strides: [2], padding: .same), offset))
            let eagerY = relu6(try fusedBatchNorm(try depthwiseConv2d(images, filter, padding: .same), scale: scale,
                                                  offset: offset, mean: mean, variance: variance))
            let eagerZ = relu6(try biasAdd(try depthwiseConv2d(images, w, strides: [2], padding: .same), offset))
            return (y, z, (eagerY, eagerZ))
        }
        let session = try Session(graph: graph)
        let outputs = try session.run([folded, fused], feeds: ["x": images])
        expectClose(outputs[0].scalars, eager.0.scalars, relative: 1e-5, "folded batch norm")
        #expect(outputs[1].scalars == eager.1.scalars, "bias and ReLU6 fused, bit for bit")
        let steps = try session.planSummary([folded, fused], feedShapes: ["x": [2, 8, 8, 24]]).steps
        let types = steps.map { names in names.map { name in graph.operations.first { $0.name == name }!.type } }
        #expect(types.contains(["DepthwiseConv2dNative", "FusedBatchNormV3", "Relu6"]), "\(types)")
        #expect(types.contains(["DepthwiseConv2dNative", "BiasAdd", "Relu6"]), "\(types)")
    }
}

extension DepthwiseConv2D {
    /// The convolution of arrays, for tests.
    static func run(_ g: DepthwiseGeometry, input: [Float], filter: [Float], epilogue: Epilogue = Epilogue(), isa: KernelISA?,
                    into output: inout [Float]) -> Bool {
        input.withUnsafeBufferPointer { x in
            filter.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    run(g, input: x.baseAddress!, filter: w.baseAddress!, epilogue: epilogue, isa: isa, into: y.baseAddress!)
                }
            }
        }
    }
}
