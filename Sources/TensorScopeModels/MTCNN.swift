import TensorScope

/// The three networks of MTCNN, the face detector (Zhang et al., 2016), written as a TF1 program
/// writes them — `variableScope` per layer, `getVariable` — with the variable names of the
/// checkpoint `scripts/convert_mtcnn.py` makes from the pretrained weights the `mtcnn` package
/// ships (`pnet/conv1/weights`, `pnet/prelu1/alpha`, …, `onet/fc6-3/biases`).
///
/// Inputs are RGB images normalised as MTCNN does, `(pixel − 127.5) / 128`. Convolutions are
/// VALID with a bias; PReLU has a slope per channel; RNet and ONet swap height and width before
/// flattening (the original Caffe models' layout, Keras's `Permute((2, 1, 3))`).
public enum MTCNN {
    /// The proposal network: fully convolutional, any image of at least 12 × 12. Each output
    /// position is a 12 × 12 window, 2 pixels apart.
    ///
    /// - Returns: `bbox` `[N, H', W', 4]` (box corrections) and `probability` `[N, H', W', 2]`
    ///   (not face, face) with `H' = ⌈(H − 2) / 2⌉ − 4`.
    public static func pnet(_ images: some TensorConvertible) throws -> (bbox: Tensor, probability: Tensor) {
        try variableScope("pnet") { _ in
            var h = try convPReLU(images, "conv1", [3, 3, 3, 10], "prelu1")
            h = try maxPool(h, ksize: [2], strides: [2], padding: .same)
            h = try convPReLU(h, "conv2", [3, 3, 10, 16], "prelu2")
            h = try convPReLU(h, "conv3", [3, 3, 16, 32], "prelu3")
            return (try conv(h, "conv4-1", [1, 1, 32, 4]), try softmax(try conv(h, "conv4-2", [1, 1, 32, 2])))
        }
    }

    /// The refinement network on 24 × 24 crops.
    ///
    /// - Returns: `bbox` `[N, 4]` and `probability` `[N, 2]`.
    public static func rnet(_ crops: some TensorConvertible) throws -> (bbox: Tensor, probability: Tensor) {
        try variableScope("rnet") { _ in
            var h = try convPReLU(crops, "conv1", [3, 3, 3, 28], "prelu1")
            h = try maxPool(h, ksize: [3], strides: [2], padding: .same)
            h = try convPReLU(h, "conv2", [3, 3, 28, 48], "prelu2")
            h = try maxPool(h, ksize: [3], strides: [2], padding: .valid)
            h = try convPReLU(h, "conv3", [2, 2, 48, 64], "prelu3")
            h = try denseFlattened(h, 3 * 3 * 64)
            h = try prelu(try dense(h, "fc4", [576, 128]), "prelu4", 128)
            return (try dense(h, "fc5-1", [128, 4]), try softmax(try dense(h, "fc5-2", [128, 2])))
        }
    }

    /// The output network on 48 × 48 crops, with five facial landmarks.
    ///
    /// - Returns: `bbox` `[N, 4]`, `landmarks` `[N, 10]` (five x, then five y, as fractions of
    ///   the crop) and `probability` `[N, 2]`.
    public static func onet(_ crops: some TensorConvertible) throws -> (bbox: Tensor, landmarks: Tensor, probability: Tensor) {
        try variableScope("onet") { _ in
            var h = try convPReLU(crops, "conv1", [3, 3, 3, 32], "prelu1")
            h = try maxPool(h, ksize: [3], strides: [2], padding: .same)
            h = try convPReLU(h, "conv2", [3, 3, 32, 64], "prelu2")
            h = try maxPool(h, ksize: [3], strides: [2], padding: .valid)
            h = try convPReLU(h, "conv3", [3, 3, 64, 64], "prelu3")
            h = try maxPool(h, ksize: [2], strides: [2], padding: .same)
            h = try convPReLU(h, "conv4", [2, 2, 64, 128], "prelu4")
            h = try denseFlattened(h, 3 * 3 * 128)
            h = try prelu(try dense(h, "fc5", [1152, 256]), "prelu5", 256)
            return (try dense(h, "fc6-1", [256, 4]), try dense(h, "fc6-2", [256, 10]),
                    try softmax(try dense(h, "fc6-3", [256, 2])))
        }
    }

    /// Every variable's name and shape, for loading weights before the first pass.
    public static var variableShapes: [String: [Int]] {
        let graph = Graph()
        _ = try? graph.asDefault {
            let image = try placeholder(shape: [nil, 48, 48, 3], name: "shapes")
            _ = try pnet(image)
            _ = try rnet(try placeholder(shape: [nil, 24, 24, 3], name: "shapes24"))
            _ = try onet(image)
        }
        return Dictionary(uniqueKeysWithValues: graph.globalVariables.map { ($0.name, $0.shape) })
    }

    private static func conv(_ x: some TensorConvertible, _ scope: String, _ shape: [Int]) throws -> Tensor {
        try variableScope(scope) { _ in
            let weights = try getVariable("weights", shape: shape)
            let biases = try getVariable("biases", shape: [shape[3]])
            return try biasAdd(try conv2d(x, weights, strides: [1, 1, 1, 1], padding: .valid), biases)
        }
    }

    private static func prelu(_ x: Tensor, _ scope: String, _ channels: Int) throws -> Tensor {
        try variableScope(scope) { _ in try TensorScope.prelu(x, alpha: try getVariable("alpha", shape: [channels])) }
    }

    private static func convPReLU(_ x: some TensorConvertible, _ scope: String, _ shape: [Int], _ preluScope: String) throws -> Tensor {
        try prelu(try conv(x, scope, shape), preluScope, shape[3])
    }

    private static func dense(_ x: Tensor, _ scope: String, _ shape: [Int]) throws -> Tensor {
        try variableScope(scope) { _ in
            try biasAdd(try matmul(x, try getVariable("weights", shape: shape)), try getVariable("biases", shape: [shape[1]]))
        }
    }

    /// Height and width swapped, then flattened: the layout the original weights expect.
    private static func denseFlattened(_ x: Tensor, _ size: Int) throws -> Tensor {
        try reshape(try transpose(x, perm: [0, 2, 1, 3]), [-1, size])
    }
}
