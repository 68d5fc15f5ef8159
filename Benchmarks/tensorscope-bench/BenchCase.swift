import COpenBLAS
import Foundation
@_spi(Benchmarking) import TensorScope
import TensorScopeModels
import TensorScopeImage
import BundledPhotos

/// One benchmark case: a forward computation, its FLOPs, and the convolutions inside it (for
/// the GEMM-only time and the scratch figure).
struct BenchCase {
    struct Convolution {
        var plan: Conv2DProbe
        /// Made when the GEMMs are timed, after the peak memory was read: only a pointwise
        /// convolution's products read it.
        var input: () throws -> Tensor
        var filter: Tensor
    }

    var name: String
    var description: String
    var batch: Int
    var convolutions: [Convolution]
    var run: () throws -> Void
    /// For cases that are not convolutions: what "the GEMMs alone" means, the FLOPs and bytes.
    var gemmOnly: (() throws -> Void)? = nil
    var flopsOverride: Double? = nil
    var bytesOverride: Int? = nil

    var flops: Double { flopsOverride ?? convolutions.reduce(0) { $0 + $1.plan.flops } }
    var scratchBytes: Int { convolutions.map(\.plan.scratchBytes).max() ?? 0 }
    /// The algorithm of each convolution, as the planner chose it (`im2col`), joined by `+`.
    var algorithm: String {
        algorithmOverride ?? (convolutions.isEmpty ? "sgemm" : convolutions.map(\.plan.algorithm).joined(separator: "+"))
    }
    /// For a model whose layers are not all convolutions: what runs it.
    var algorithmOverride: String? = nil

    /// What the computation must hold: its input, every layer's output, the weights (filters
    /// and biases) and the im2col scratch.
    var modelBytes: Int {
        if let bytesOverride { return bytesOverride }
        return (convolutions.first?.plan.inputBytes ?? 0) + scratchBytes
            + convolutions.reduce(0) { $0 + $1.plan.outputBytes + $1.plan.filterBytes + 4 * $1.plan.n }
    }

    func runGEMMsOnly() throws {
        if let gemmOnly { return try gemmOnly() }
        for c in convolutions { c.plan.runGEMMsOnly(input: try c.input().scalars, filter: c.filter.scalars) }
    }
}

enum Cases {
    static func random(_ shape: [Int], seed: Int) throws -> Tensor {
        try Initializer.randomNormal(seed: seed).tensor(shape: shape)
    }

    /// `count` of the bundled photos (cycled), each fitted to 224 × 224 RGB: `[count, 224, 224, 3]`.
    static func photos(_ count: Int) throws -> Tensor {
        let photos = try BundledPhotos.paths()
        return try ImageBatch.load((0..<count).map { photos[$0 % photos.count] }, size: 224, fit: .fill)
    }

    /// `relu(conv2d(x, w, SAME) + b)` (fused, as the seed program runs it), or the bare conv.
    static func convLayer(name: String, description: String, input: [Int], filter: [Int], strides: [Int] = [1],
                          bias: Bool, viaSession: Bool = false) throws -> BenchCase {
        let x = try random(input, seed: 1)
        let w = try random(filter, seed: 2)
        let b = try random([filter[3]], seed: 3)
        let plan = try Conv2DProbe(input: input, filter: filter, strides: strides, padding: .same)
        // The filter is a variable, as a model's weights are: packed for the kernels once, as
        // the peers' constant weights are (a plain tensor is packed on every call).
        let graph = Graph()
        graph.recordsOperations = false
        let weights = try graph.asDefault { try Variable(w, name: "weights") }
        if viaSession {
            // The same layer recorded once on a placeholder and run by a Session (its bias and
            // ReLU fused by the plan), for the Session-versus-eager comparison.
            let sessionGraph = Graph()
            let output = try sessionGraph.asDefault {
                let images = try placeholder(shape: input.map { $0 }, name: "input")
                let weights = try Variable(w, name: "weights")
                let y = try conv2d(images, weights, strides: strides, padding: .same)
                return bias ? relu(try y + b) : y
            }
            let session = try Session(graph: sessionGraph)
            return BenchCase(
                name: name, description: description + ", Session", batch: input[0],
                convolutions: [.init(plan: plan, input: { x }, filter: w)],
                run: { _ = try session.run(output, feeds: ["input": x]) })
        }
        return BenchCase(
            name: name, description: description, batch: input[0],
            convolutions: [.init(plan: plan, input: { x }, filter: w)],
            run: {
                try graph.asDefault {
                    if bias {
                        _ = try conv2dBiasRelu(x, weights, bias: b, strides: strides, padding: .same)
                    } else {
                        _ = try conv2d(x, weights, strides: strides, padding: .same)
                    }
                }
            })
    }

    /// `my_image_filter` on `images` ([n, 224, 224, 3]), sharing one graph's 4 variables.
    static func imageFilter(name: String, images: Tensor) throws -> BenchCase {
        let graph = Graph()
        graph.recordsOperations = false
        let shape = images.shape
        let first = [5, 5, shape[3], 32], second = [5, 5, 32, 32]
        let plan1 = try Conv2DProbe(input: shape, filter: first, padding: .same)
        let plan2 = try Conv2DProbe(input: Array(shape.prefix(3)) + [32], filter: second, padding: .same)
        let run = {
            _ = try graph.asDefault {
                try variableScope("image_filters", reuse: .autoReuse) { _ in try myImageFilter(images, seed: 1) }
            }
        }
        try run()  // creates the 4 variables
        let weights = graph.trainableVariables.filter { $0.name.hasSuffix("weights") }.map(\.value)
        return BenchCase(
            name: name, description: "my_image_filter on \(shape)", batch: shape[0],
            convolutions: [.init(plan: plan1, input: { images }, filter: weights[0]),
                           .init(plan: plan2, input: { Tensor(zeros: Array(shape.prefix(3)) + [32]) }, filter: weights[1])],
            run: run)
    }
}

extension Cases {
    /// A square `size³` `cblas_sgemm` with OpenBLAS's own threading: the BLAS's peak on this
    /// machine and kernel, to read the convolution figures against.
    static func sgemm(size: Int) -> BenchCase {
        let a = [Float](repeating: 0.5, count: size * size)
        let b = [Float](repeating: 0.25, count: size * size)
        let c = UnsafeMutableBufferPointer<Float>.allocate(capacity: size * size)
        c.initialize(repeating: 0)
        let n = Int32(size)
        let product = {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1,
                                a.baseAddress, n, b.baseAddress, n, 0, c.baseAddress, n)
                }
            }
        }
        return BenchCase(
            name: "sgemm-\(size)", description: "cblas_sgemm \(size)³, OpenBLAS threads", batch: 1,
            convolutions: [], run: product, gemmOnly: product,
            flopsOverride: 2 * Double(size) * Double(size) * Double(size),
            bytesOverride: 3 * 4 * size * size)
    }
}

extension Cases {
    /// The digits CNN (`digitsCNN`) on a batch of `batch` random 8 × 8 images, random weights:
    /// two small convolutions, two max-pools, two dense layers — the op set beyond the seed.
    static func digits(batch: Int) throws -> BenchCase {
        let images = try Initializer.randomNormal(seed: 5).tensor(shape: [batch, 8, 8, 1])
        let graph = Graph()
        graph.recordsOperations = false
        let run = { _ = try graph.asDefault { try variableScope("", reuse: .autoReuse) { _ in try digitsCNN(images) } } }
        try run()  // creates the variables
        // Multiply-adds per image: conv1, conv2, fc1, fc2 (pooling and the rest are not counted).
        let macs: [Int] = [8 * 8 * 9 * 1 * 16, 4 * 4 * 9 * 16 * 32, 128 * 64, 64 * 10]
        let perImage = 2.0 * Double(macs.reduce(0, +))
        let floatsPerImage: [Int] = [8 * 8 * 16 * 2, 4 * 4 * 32 * 2, 128, 64, 10 * 2]
        let activations = batch * 4 * floatsPerImage.reduce(0, +)
        let weights = 4 * DigitsCNN.variableShapes.values.reduce(0) { $0 + $1.reduce(1, *) }
        // Its two convolutions go through the planner; the dense layers are OpenBLAS sgemm.
        let conv1 = try Conv2DProbe(input: [batch, 8, 8, 1], filter: [3, 3, 1, 16], padding: .same)
        let conv2 = try Conv2DProbe(input: [batch, 4, 4, 16], filter: [3, 3, 16, 32], padding: .same)
        return BenchCase(
            name: "digits-cnn-eager", description: "digitsCNN on [\(batch), 8, 8, 1], eager", batch: batch,
            convolutions: [], run: run, gemmOnly: run,
            flopsOverride: perImage * Double(batch), bytesOverride: 4 * images.scalarCount + activations + weights,
            algorithmOverride: "\(conv1.algorithm)+\(conv2.algorithm)+sgemm")
    }
}
