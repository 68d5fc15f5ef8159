import Foundation
import Testing
import TensorScope

/// The classic-CNN ops against outputs TensorFlow computed (Fixtures/ops.json, from
/// scripts/generate_op_fixtures.py): values at 1e-4 relative, and the op name and type the
/// graph records equal TensorFlow's.
@Suite struct OpTensorFlowTests {
    @Test func everyOpHasFixtures() throws {
        let ops = Set(try OpFixture.all().map(\.op))
        #expect(ops == ["max_pool", "avg_pool", "reshape", "matmul", "softmax", "sigmoid", "tanh", "sub", "mul",
                        "add_scalar", "sub_scalar", "mul_scalar", "argmax", "div", "div_scalar", "neg", "exp", "log",
                        "square", "sqrt", "rsqrt", "add_n", "relu6", "leaky_relu", "elu", "prelu", "transpose", "fused_batch_norm",
                        "maximum", "minimum", "squeeze", "expand_dims", "concat", "reduce_mean", "reduce_sum", "reduce_max",
                        "pad", "lrn", "resize_bilinear", "resize_nearest", "batch_normalization", "depthwise"])
    }

    /// Runs one case; returns the output as floats with its shape.
    static func run(_ f: OpFixture) throws -> (shape: [Int], values: [Float]) {
        let xs = try f.inputs.map { try $0.tensor }
        if f.op == "argmax" {
            let axis = f.ints("axis").first ?? Int(f.number("axis"))
            var shape = xs[0].shape
            shape.remove(at: axis < 0 ? axis + shape.count : axis)
            return (shape, try argmax(xs[0], axis: axis).map(Float.init))
        }
        let y = try output(f, xs)
        return (y.shape, y.scalars)
    }

    /// The case's op on `xs` (tensors with values, or placeholders); every op but `argmax`,
    /// which returns indices rather than a tensor.
    static func output(_ f: OpFixture, _ xs: [Tensor]) throws -> Tensor {
        let padding: Padding = f.string("padding") == "SAME" ? .same : .valid
        let y: Tensor
        switch f.op {
        case "max_pool": y = try maxPool(xs[0], ksize: f.ints("ksize"), strides: f.ints("strides"), padding: padding)
        case "avg_pool": y = try avgPool(xs[0], ksize: f.ints("ksize"), strides: f.ints("strides"), padding: padding)
        case "reshape": y = try reshape(xs[0], f.ints("shape"))
        case "matmul": y = try matmul(xs[0], xs[1], transposeA: f.bool("transpose_a"), transposeB: f.bool("transpose_b"))
        case "softmax": y = try softmax(xs[0])
        case "sigmoid": y = sigmoid(xs[0])
        case "tanh": y = tanh(xs[0])
        case "sub": y = try xs[0] - xs[1]
        case "mul": y = try xs[0] * xs[1]
        case "div": y = try xs[0] / xs[1]
        case "neg": y = -xs[0]
        case "exp": y = exp(xs[0])
        case "log": y = log(xs[0])
        case "square": y = square(xs[0])
        case "sqrt": y = sqrt(xs[0])
        case "rsqrt": y = rsqrt(xs[0])
        case "add_n": y = try addN(xs)
        case "relu6": y = relu6(xs[0])
        case "leaky_relu": y = f.params["alpha"] == nil ? leakyRelu(xs[0]) : leakyRelu(xs[0], alpha: Float(f.number("alpha")))
        case "elu": y = elu(xs[0])
        case "prelu": y = try prelu(xs[0], alpha: xs[1])
        case "transpose": y = try transpose(xs[0], perm: f.ints("perm"))
        case "maximum": y = try maximum(xs[0], xs[1])
        case "minimum": y = try minimum(xs[0], xs[1])
        case "squeeze": y = try squeeze(xs[0], axes: f.ints("axes"))
        case "expand_dims": y = try expandDims(xs[0], axis: Int(f.number("axis")))
        case "concat": y = try concat(xs, axis: Int(f.number("axis")))
        case "reduce_mean": y = try reduceMean(xs[0], axes: f.ints("axes"), keepDims: f.bool("keep_dims"))
        case "reduce_sum": y = try reduceSum(xs[0], axes: f.ints("axes"), keepDims: f.bool("keep_dims"))
        case "reduce_max": y = try reduceMax(xs[0], axes: f.ints("axes"), keepDims: f.bool("keep_dims"))
        case "pad":
            let flat = f.ints("paddings")
            let mode: PadMode = switch f.string("mode") { case "REFLECT": .reflect; case "SYMMETRIC": .symmetric; default: .constant }
            y = try pad(xs[0], paddings: stride(from: 0, to: flat.count, by: 2).map { Array(flat[$0...$0 + 1]) }, mode: mode,
                        constantValue: f.number("value"))
        case "lrn":
            y = f.params["depth_radius"] == nil ? try localResponseNormalization(xs[0])
                : try localResponseNormalization(xs[0], depthRadius: Int(f.number("depth_radius")), bias: f.number("bias"),
                                                 alpha: f.number("alpha"), beta: f.number("beta"))
        case "resize_bilinear":
            y = try resizeBilinear(xs[0], size: f.ints("size"), halfPixelCenters: f.bool("half_pixel_centers"),
                                   alignCorners: f.bool("align_corners"))
        case "resize_nearest":
            y = try resizeNearestNeighbor(xs[0], size: f.ints("size"), halfPixelCenters: f.bool("half_pixel_centers"),
                                          alignCorners: f.bool("align_corners"))
        case "depthwise":
            y = try depthwiseConv2d(xs[0], xs[1], strides: f.ints("strides"), padding: padding, dilations: f.ints("dilations"))
        case "batch_normalization":
            y = try batchNormalization(xs[0], mean: xs[1], variance: xs[2], offset: xs[3], scale: xs[4],
                                       varianceEpsilon: f.number("epsilon"))
        case "fused_batch_norm":
            y = try fusedBatchNorm(xs[0], scale: xs[1], offset: xs[2], mean: xs[3], variance: xs[4], epsilon: f.number("epsilon"))
        case "add_scalar", "sub_scalar", "mul_scalar", "div_scalar":
            let s = f.number("scalar"), right = f.string("side") == "right"
            switch f.op {
            case "add_scalar": y = right ? xs[0] + s : s + xs[0]
            case "sub_scalar": y = right ? xs[0] - s : s - xs[0]
            case "div_scalar": y = right ? xs[0] / s : s / xs[0]
            default: y = right ? xs[0] * s : s * xs[0]
            }
        default:
            throw TensorScopeError(.invalidArgument, "unknown op \(f.op)")
        }
        return y
    }

    @Test(arguments: try OpFixture.all())
    func matchesTensorFlow(_ f: OpFixture) throws {
        let graph = Graph()
        let (shape, values) = try graph.asDefault { try Self.run(f) }
        #expect(shape == f.output.shape, "\(f)")
        let expected = f.output.values.map(Float.init)
        if f.name.hasPrefix("nonfinite") || f.name == "maximum" {
            // Max pooling and maximum pick one of their inputs, so equal exactly; a relative
            // tolerance means nothing next to infinities and NaNs.
            if f.name.hasPrefix("nonfinite") {
                #expect(f.inputs[0].values.contains { $0.isNaN } && expected.contains(-.greatestFiniteMagnitude))
            } else {
                #expect(expected.filter(\.isNaN).count == 2, "NaN from either side")
            }
            let mismatch = zip(values, expected).enumerated().first { $0.element.0 != $0.element.1 && !($0.element.0.isNaN && $0.element.1.isNaN) }
            #expect(values.count == expected.count && mismatch == nil, "\(f.name): element \(mismatch.map { "\($0.offset): \($0.element)" } ?? "")")
        } else {
            expectClose(values, expected, relative: 1e-4, f.name)
        }
        let op = try #require(graph.operations.last)
        #expect(op.name == f.tf_op_name && op.type == f.tf_op_type, "\(f): \(op.name) \(op.type)")
    }
}
