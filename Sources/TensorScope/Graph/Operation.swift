/// One op as the graph recorded it: TensorFlow's name and type, and shapes — never data.
public struct Operation: Sendable, Equatable, CustomStringConvertible {
    /// The unique name TensorFlow would give, e.g. `"image_filters_1/conv2/Relu"`.
    public let name: String
    /// The op type: `"Conv2D"`, `"add"`, `"BiasAdd"`, `"Relu"`.
    public let type: String
    /// The shape of each input, in argument order.
    public let inputShapes: [[Int]]
    /// The shape of the result.
    public let outputShape: [Int]

    public var description: String { "\(name) (\(type)) -> \(outputShape)" }
}
