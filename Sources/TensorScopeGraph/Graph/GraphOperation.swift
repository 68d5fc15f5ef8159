import TensorScopeKernels
/// One op as the graph recorded it: TensorFlow's name and type, its inputs as edges, its
/// attributes and shapes — never tensor data.
public struct GraphOperation: Sendable, Equatable, CustomStringConvertible {
    /// The unique name TensorFlow would give, e.g. `"image_filters_1/conv2/Relu"`.
    public let name: String
    /// The op type as a TensorFlow `NodeDef` writes it: `"Conv2D"`, `"AddV2"` (for `+`),
    /// `"BiasAdd"`, `"Relu"`.
    public let type: String
    /// Each input in argument order: where it comes from and its shape.
    public let arguments: [Input]
    /// The shape of each output, in output order (`"name:1"` is the second).
    public let outputShapes: [[Int]]
    /// The shape of the (first) output; `[]` for an op without outputs (`NoOp`).
    public var outputShape: [Int] { outputShapes.first ?? [] }
    /// The attributes TensorFlow's `NodeDef` carries for this op (`T`, `strides`, `padding`,
    /// `dilations`, `data_format`, …), for exporters.
    public let attributes: [String: AttributeValue]
    /// `Graph.id` of the graph that recorded the op (0 for one made elsewhere); not part of the
    /// op's value, which is what TensorFlow would record.
    var graphID: UInt64 = 0

    init(name: String, type: String, arguments: [Input], outputShapes: [[Int]], attributes: [String: AttributeValue],
         graphID: UInt64 = 0) {
        self.name = name
        self.type = type
        self.arguments = arguments
        self.outputShapes = outputShapes
        self.attributes = attributes
        self.graphID = graphID
    }

    /// Equal names, types, inputs, shapes and attributes, whichever graph recorded them.
    public static func == (lhs: GraphOperation, rhs: GraphOperation) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.arguments == rhs.arguments
            && lhs.outputShapes == rhs.outputShapes && lhs.attributes == rhs.attributes
    }

    /// The producers of the inputs as a `NodeDef` lists them: another op's name
    /// (`"image_filters/conv1/Relu"`), the `ReadVariableOp` node that read a variable
    /// (`"image_filters/conv2/Conv2D/ReadVariableOp"`), or the `Const` node TensorFlow makes
    /// for a tensor given as plain values (`"image_filters/conv1/Conv2D/input"`).
    public var inputs: [String] { arguments.map(\.node) }

    /// The shape of each input, in argument order.
    public var inputShapes: [[Int]] { arguments.map(\.shape) }

    /// The op's name, type and output shape: `image_filters/conv1/Conv2D (Conv2D) -> [2, 32, 32, 32]`.
    public var description: String { "\(name) (\(type)) -> \(outputShape)" }

    /// One input edge of an op.
    public struct Input: Sendable, Equatable {
        /// The node the edge comes from (see `GraphOperation.inputs`).
        public let node: String
        /// What kind of node the edge comes from.
        public let source: Source
        /// The shape of the tensor along the edge.
        public let shape: [Int]
    }

    /// What the node an input comes from is.
    public enum Source: Sendable, Equatable {
        /// The output of another recorded op.
        case operation
        /// A `ReadVariableOp` of the variable with this name (`"image_filters/conv1/weights"`).
        case variableRead(variable: String)
        /// Values given as a plain tensor, which TensorFlow embeds as a `Const` node.
        case constant
    }

    /// The value of one `NodeDef` attribute.
    public enum AttributeValue: Sendable, Equatable {
        /// A data type, as TensorFlow names it (`"DT_FLOAT"`).
        case type(String)
        /// A list of integers (`strides`, `ksize`, `dilations`).
        case ints([Int])
        /// A string (`padding`, `data_format`).
        case string(String)
        /// A flag (`transpose_a`, `use_cudnn_on_gpu`).
        case bool(Bool)
        /// One integer.
        case int(Int)
        /// A tensor shape, `-1` where a dimension is unknown (a placeholder's `shape`).
        case shape([Int])
        /// One float (`alpha` of `LeakyRelu`).
        case float(Float)
    }
}
