import TensorScope

/// Two building blocks of classic CNNs, written with `Layers` and the ops as a TF1 program
/// writes them with `tf.compat.v1.layers` (scripts/generate_classic_models.py holds that
/// program), so their variables carry TensorFlow's names and a Saver checkpoint restores them.
public enum Blocks {
    /// MobileNet's block: depthwise 3 × 3 (`depthwise_weights`), batch norm, ReLU6, pointwise
    /// 1 × 1 convolution to `outputChannels` without bias, batch norm, ReLU6 — in variable scope
    /// `mobilenet_block`.
    ///
    /// - Throws: what the layers and ops throw for inputs they cannot take.
    public static func mobileNet(_ x: Tensor, outputChannels: Int = 64) throws -> Tensor {
        try variableScope("mobilenet_block") { _ in
            let w = try getVariable("depthwise_weights", shape: [3, 3, x.shape[3], 1], initializer: .glorotUniform())
            var h = try depthwiseConv2d(x, w, strides: [1, 1, 1, 1], padding: .same)
            h = relu6(try Layers.batchNormalization(h, training: false))
            h = try Layers.conv2d(h, filters: outputChannels, kernelSize: [1], useBias: false)
            return relu6(try Layers.batchNormalization(h, training: false))
        }
    }

    /// ResNet's basic block: pad by 1, 3 × 3 convolution VALID, batch norm, ReLU, 3 × 3
    /// convolution SAME, batch norm, the input added, ReLU — in variable scope `resnet_block`.
    ///
    /// - Throws: what the layers and ops throw for inputs they cannot take.
    public static func resNet(_ x: Tensor) throws -> Tensor {
        try variableScope("resnet_block") { _ in
            let channels = x.shape[3]
            var h = try pad(x, paddings: [[0, 0], [1, 1], [1, 1], [0, 0]])
            h = try Layers.conv2d(h, filters: channels, kernelSize: [3], padding: .valid, useBias: false)
            h = relu(try Layers.batchNormalization(h, training: false))
            h = try Layers.conv2d(h, filters: channels, kernelSize: [3], padding: .same, useBias: false)
            h = try Layers.batchNormalization(h, training: false)
            return relu(try h + x)
        }
    }
}
