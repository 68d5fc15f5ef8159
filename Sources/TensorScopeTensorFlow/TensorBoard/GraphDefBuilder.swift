import TensorScopeGraph
import TensorScopeKernels
import Foundation
import SwiftProtobuf

/// The `GraphDef` TensorFlow would have built for a graph's recorded ops: one `NodeDef` per op
/// with its name, type, input edges and attributes (plus `_output_shapes`), a `VarHandleOp` per
/// variable, a `ReadVariableOp` per variable read (named as TensorFlow names it), and a
/// `Placeholder` for each tensor an op got as plain values (TensorFlow would embed those as
/// `Const` nodes; a placeholder keeps the file small and the edge the same). Initializer
/// subgraphs are left out.
enum GraphDefBuilder {
    /// TensorFlow 2.21's GraphDef producer version, as its own graphs carry it.
    static let producerVersion: Int32 = 2474

    static func graphDef(operations: [GraphOperation], variables: [Variable]) -> Tensorflow_GraphDef {
        var nodes: [Tensorflow_NodeDef] = []
        var named = Set<String>()
        func add(_ node: Tensorflow_NodeDef) {
            if named.insert(node.name).inserted { nodes.append(node) }
        }
        for variable in variables {
            add(node(variable.name, "VarHandleOp", attributes: [
                "dtype": type(.dtFloat), "shape": shape(variable.shape), "container": string(""),
                "shared_name": string(variable.name), "allowed_devices": AttrValue.with { $0.list = .init() },
                "_output_shapes": shapes([[]]),
            ]))
        }
        for operation in operations {
            for argument in operation.arguments {
                switch argument.source {
                case .operation:
                    break
                case .variableRead(let variable):
                    add(node(argument.node, "ReadVariableOp", inputs: [variable], attributes: [
                        "dtype": type(.dtFloat), "_output_shapes": shapes([argument.shape]),
                    ]))
                case .constant:
                    add(node(argument.node, "Placeholder", attributes: [
                        "dtype": type(.dtFloat), "shape": shape(argument.shape),
                        "_output_shapes": shapes([argument.shape]),
                    ]))
                }
            }
            var attributes = operation.attributes.mapValues(attributeValue)
            attributes["_output_shapes"] = shapes(operation.outputShapes)
            add(node(operation.name, operation.type, inputs: operation.inputs, attributes: attributes))
        }
        return Tensorflow_GraphDef.with {
            $0.node = nodes
            $0.versions = .with { $0.producer = producerVersion }
        }
    }

    private typealias AttrValue = Tensorflow_AttrValue

    private static func node(
        _ name: String, _ op: String, inputs: [String] = [], attributes: [String: AttrValue]
    ) -> Tensorflow_NodeDef {
        .with {
            $0.name = name
            $0.op = op
            $0.input = inputs
            $0.attr = attributes
        }
    }

    private static func attributeValue(_ value: GraphOperation.AttributeValue) -> AttrValue {
        switch value {
        case .type(let name): type(name == "DT_FLOAT" ? .dtFloat : name == "DT_INT32" ? .dtInt32 : name == "DT_INT64" ? .dtInt64 : .dtInvalid)
        case .ints(let values): .with { $0.list = .with { $0.i = values.map(Int64.init) } }
        case .string(let text): string(text)
        case .bool(let flag): .with { $0.b = flag }
        case .int(let number): .with { $0.i = Int64(number) }
        case .shape(let dims): shape(dims)
        case .float(let number): .with { $0.f = number }
        }
    }

    private static func type(_ type: Tensorflow_DataType) -> AttrValue { .with { $0.type = type } }
    private static func string(_ text: String) -> AttrValue { .with { $0.s = Data(text.utf8) } }

    private static func tensorShape(_ dims: [Int]) -> Tensorflow_TensorShapeProto {
        .with { $0.dim = dims.map { size in .with { $0.size = Int64(size) } } }
    }

    private static func shape(_ dims: [Int]) -> AttrValue { .with { $0.shape = tensorShape(dims) } }

    private static func shapes(_ list: [[Int]]) -> AttrValue {
        .with { $0.list = .with { $0.shape = list.map(tensorShape) } }
    }
}
