import Foundation
import SwiftProtobuf
import TensorScopeGraph
import TensorScopeKernels

/// Reads a binary `GraphDef` and records its nodes in a graph (`Graph(importingGraphDef:)`).
///
/// Everything is checked before anything is recorded: node names unique, every data input a
/// node of the file, every op type one TensorScope runs, every attribute one it can take,
/// every `Const` value readable, no cycle. What fails is reported together, in one error.
struct GraphDefImporter {
    let path: String
    let graphDef: Tensorflow_GraphDef

    /// Files larger than this (2 GiB, protobuf's own limit for a message) are refused unread.
    static let maxFileBytes = 1 << 31
    /// The variables of one graph may hold this many elements in all (256 Mi, 1 GiB of float32;
    /// VGG-16 has 138 M): their zeros are allocated at import, and a few bytes of a hostile
    /// file must not ask for more.
    static let maxVariableElements = 1 << 28

    /// TensorFlow op types recorded as the registered type that computes them (`Add` is
    /// TF1's spelling of `AddV2`).
    static let aliases = ["Add": "AddV2", "FusedBatchNorm": "FusedBatchNormV3", "ReadVariableOp": "Identity"]
    /// Node types of a variable: each becomes a variable of the graph under the node's name
    /// (zeros until restored from a checkpoint), read by the ops that take it.
    static let variableTypes: Set<String> = ["VariableV2", "Variable", "VarHandleOp"]
    /// A training graph's machinery for initialising, assigning and saving variables: left out,
    /// with every node that feeds only it (initializers, the saver's constants).
    static let machineryTypes: Set<String> = [
        "NoOp", "Assign", "AssignVariableOp", "AssignAdd", "AssignSub", "AssignAddVariableOp", "AssignSubVariableOp",
        "SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename", "StringJoin", "SaveSlices", "RestoreSlice",
        "VarIsInitializedOp", "IsVariableInitialized",
    ]
    /// Per op type, the inputs it reads as integers (a reshape's shape, an argmax's axis, a
    /// transpose's permutation): they
    /// must come from `Const` nodes of int32 or int64.
    static let integerInputs: [String: Set<Int>] = ["Reshape": [1], "ArgMax": [1], "Transpose": [1], "ExpandDims": [1],
                                                        "Mean": [1], "Sum": [1], "Max": [1],
                                                        "Pad": [1], "PadV2": [1], "MirrorPad": [1],
                                                        "ResizeBilinear": [1], "ResizeNearestNeighbor": [1]]

    /// The inputs of a node of `type` with `count` data inputs that are read as integers
    /// (`ConcatV2`'s axis is its last).
    static func integerPositions(_ type: String, count: Int) -> Set<Int> {
        type == "ConcatV2" ? [count - 1] : integerInputs[type] ?? []
    }
    /// Op types with a `data_format` attribute, which must be `NHWC`.
    static let spatialTypes: Set<String> = ["Conv2D", "MaxPool", "AvgPool", "BiasAdd", "FusedBatchNorm", "FusedBatchNormV3",
                                            "DepthwiseConv2dNative"]

    init(path: String) throws {
        self.path = path
        let handle: FileHandle, size: Int
        switch RegularFile.open(path) {
        case .success(let opened): (handle, size) = opened
        case .failure(let problem): throw TensorScopeError(.io, "\(path): \(problem)")
        }
        defer { try? handle.close() }
        guard size <= Self.maxFileBytes else {
            throw TensorScopeError(.invalidArgument, "\(path): \(size) bytes, more than a GraphDef may have (\(Self.maxFileBytes))")
        }
        let bytes = try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            try RegularFile.read(handle, at: 0, into: UnsafeMutableRawBufferPointer(buffer), path: path)
            initialized = size
        }
        do {
            graphDef = try Tensorflow_GraphDef(serializedBytes: bytes)
        } catch {
            throw TensorScopeError(.invalidArgument, "\(path): not a binary GraphDef (\(error))")
        }
    }

    /// A data input: the node and which of its outputs (`conv` → 0, `split:1` → 1); nil for a
    /// control input (`^init`).
    static func dataInput(_ edge: String) -> (node: String, output: Int)? {
        edge.hasPrefix("^") ? nil : splitEdge(edge)
    }

    func importNodes(into graph: Graph) throws {
        let nodes = graphDef.node
        var indexOf: [String: Int] = [:]
        var problems: [String] = []
        for (index, node) in nodes.enumerated() where indexOf.updateValue(index, forKey: node.name) != nil {
            problems.append("two nodes named '\(node.name)'")
        }
        for node in nodes {
            for edge in node.input {
                guard let input = Self.dataInput(edge) else { continue }
                if indexOf[input.node] == nil { problems.append("node '\(node.name)': input '\(edge)' names no node of the file") }
            }
        }
        guard problems.isEmpty else { throw TensorScopeError(.invalidArgument, "\(path): " + problems.joined(separator: "; ")) }
        let order = try topologicalOrder(indexOf)
        let skipped = machinery(order: order, indexOf: indexOf)
        // Op types TensorScope does not run, each with the nodes using it, in file order.
        var unsupported: [String: [String]] = [:]
        var constants: [String: TensorProtoValues] = [:]
        var variableElements = 0
        for (index, node) in nodes.enumerated() where !skipped.contains(index) {
            switch node.op {
            case "Placeholder":
                problems += placeholderProblems(node)
            case "Const":
                do {
                    guard case .tensor(let proto)? = node.attr["value"]?.value else {
                        problems.append("node '\(node.name)' (Const): no tensor in its 'value' attribute")
                        continue
                    }
                    constants[node.name] = try TensorProtoValues(proto, source: "node '\(node.name)' (Const)")
                } catch let error as TensorScopeError {
                    problems.append(error.description)
                }
            case let type where Self.variableTypes.contains(type):
                if case .type(let type)? = node.attr["dtype"]?.value, type != .dtFloat {
                    problems.append("variable '\(node.name)' is \(TensorFlowDType.name(type)); TensorScope's variables are float32")
                }
                do {
                    guard case .shape(let proto)? = node.attr["shape"]?.value else { throw TensorScopeError(.invalidArgument, "no shape") }
                    let count = try TensorFlowDType.shape(proto) { TensorScopeError(.invalidArgument, $0) }.reduce(1, *)
                    guard count <= Self.maxVariableElements - variableElements else {
                        problems.append("variable '\(node.name)' of shape \(proto.dim.map(\.size)) takes the graph's variables past the \(Self.maxVariableElements) elements TensorScope imports")
                        continue
                    }
                    variableElements += count
                } catch {
                    problems.append("variable '\(node.name)' has no shape of known, non-negative dimensions")
                }
            default:
                if Graph.canImport(type: Self.aliases[node.op] ?? node.op) {
                    problems += attributeProblems(node)
                } else {
                    unsupported[node.op, default: []].append(node.name)
                }
            }
        }
        if !unsupported.isEmpty {
            let list = unsupported.keys.sorted().map { "\($0) (\(unsupported[$0]!.joined(separator: ", ")))" }
            problems.insert("\(unsupported.count) op type\(unsupported.count == 1 ? "" : "s") TensorScope does not run: "
                            + list.joined(separator: "; "), at: 0)
        }
        guard problems.isEmpty else { throw TensorScopeError(.invalidArgument, "\(path): " + problems.joined(separator: "; ")) }
        var outputs: [String: Tensor] = [:]
        var variables: [String: Variable] = [:]
        for index in order where !skipped.contains(index) {
            try importNode(nodes[index], into: graph, constants: constants, outputs: &outputs, variables: &variables)
        }
    }

    // MARK: - Checks

    private func placeholderProblems(_ node: Tensorflow_NodeDef) -> [String] {
        var problems: [String] = []
        if case .type(let type)? = node.attr["dtype"]?.value, type != .dtFloat {
            problems.append("placeholder '\(node.name)' is \(TensorFlowDType.name(type)); TensorScope feeds float32")
        }
        guard case .shape(let shape)? = node.attr["shape"]?.value, !shape.unknownRank else {
            problems.append("placeholder '\(node.name)' has no shape of known rank; TensorScope needs each placeholder's rank")
            return problems
        }
        if shape.dim.count > TensorFlowDType.maxRank || shape.dim.contains(where: { $0.size < -1 }) {
            problems.append("placeholder '\(node.name)' has shape \(shape.dim.map(\.size))")
        }
        return problems
    }

    private func attributeProblems(_ node: Tensorflow_NodeDef) -> [String] {
        var problems: [String] = []
        let described = "node '\(node.name)' (\(node.op))"
        if case .type(let type)? = node.attr["T"]?.value, type != .dtFloat {
            problems.append("\(described): T is \(TensorFlowDType.name(type)); TensorScope computes float32")
        }
        if Self.spatialTypes.contains(node.op), case .s(let format)? = node.attr["data_format"]?.value,
           String(decoding: format, as: UTF8.self) != "NHWC" {
            problems.append("\(described): data_format \(String(decoding: format, as: UTF8.self)); TensorScope takes NHWC")
        }
        if case .s(let padding)? = node.attr["padding"]?.value,
           !["SAME", "VALID"].contains(String(decoding: padding, as: UTF8.self)) {
            problems.append("\(described): padding \(String(decoding: padding, as: UTF8.self)); TensorScope takes SAME and VALID")
        }
        return problems
    }

    /// The nodes that only initialise, assign or save variables: the machinery types; every node
    /// that comes after one of them other than a `NoOp` (data or control: the saver's
    /// `save/control_dependency`); and every node all of whose consumers are such nodes.
    private func machinery(order: [Int], indexOf: [String: Int]) -> Set<Int> {
        let nodes = graphDef.node
        var consumers = [[Int]](repeating: [], count: nodes.count)
        var producers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for edge in node.input {
                let name = edge.hasPrefix("^") ? String(edge.dropFirst()) : Self.dataInput(edge)!.node
                if let producer = indexOf[name] {
                    consumers[producer].append(index)
                    producers[index].append(producer)
                }
            }
        }
        var skipped = Set(nodes.indices.filter { Self.machineryTypes.contains(nodes[$0].op) })
        // After the machinery, through data and control inputs (`order` follows data inputs
        // only, so repeat until nothing changes). A frozen graph's outputs wait for a NoOp, so a
        // NoOp passes nothing on.
        var changed = true
        while changed {
            changed = false
            for index in order where !skipped.contains(index)
                && producers[index].contains(where: { skipped.contains($0) && nodes[$0].op != "NoOp" }) {
                skipped.insert(index)
                changed = true
            }
        }
        // Consumers come after their producers in `order`; decide from the last node back.
        for index in order.reversed() {
            if Self.machineryTypes.contains(nodes[index].op)
                || (!consumers[index].isEmpty && consumers[index].allSatisfy(skipped.contains)) {
                skipped.insert(index)
            }
        }
        return skipped
    }

    /// The nodes in an order where each comes after its data inputs (Kahn's algorithm, file
    /// order among the ready ones).
    private func topologicalOrder(_ indexOf: [String: Int]) throws -> [Int] {
        let nodes = graphDef.node
        var waiting = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for edge in node.input {
                guard let input = Self.dataInput(edge), let producer = indexOf[input.node] else { continue }
                waiting[index] += 1
                consumers[producer].append(index)
            }
        }
        var ready = nodes.indices.filter { waiting[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        while let index = ready.popLast() {
            order.append(index)
            for consumer in consumers[index] {
                waiting[consumer] -= 1
                if waiting[consumer] == 0 { ready.append(consumer) }
            }
        }
        guard order.count == nodes.count else {
            let stuck = nodes.indices.filter { waiting[$0] > 0 }.prefix(5).map { "'\(nodes[$0].name)'" }
            throw TensorScopeError(.invalidArgument, "\(path): the nodes form a cycle (through \(stuck.joined(separator: ", ")))")
        }
        return order
    }

    // MARK: - Recording

    /// Records `node`; `outputs` holds each recorded output by edge name (`conv`, `split:1`).
    private func importNode(
        _ node: Tensorflow_NodeDef, into graph: Graph, constants: [String: TensorProtoValues], outputs: inout [String: Tensor],
        variables: inout [String: Variable]
    ) throws {
        func fail(_ what: String) -> TensorScopeError {
            TensorScopeError(.invalidArgument, "\(path): node '\(node.name)' (\(node.op)): \(what)")
        }
        func fail(_ error: Error) -> TensorScopeError { fail("\(error)") }
        switch node.op {
        case let type where Self.variableTypes.contains(type):
            guard case .shape(let shape)? = node.attr["shape"]?.value else { return }
            do {
                variables[node.name] = try graph.importVariable(name: node.name, shape: shape.dim.map { Int($0.size) })
            } catch { throw fail(error) }
        case "Placeholder":
            guard case .shape(let shape)? = node.attr["shape"]?.value else { return }
            outputs[node.name] = try graph.importPlaceholder(name: node.name, shape: shape.dim.map { Int($0.size) })
        case "Const":
            let values = constants[node.name]!
            let scalars = values.floats ?? values.integers!.map { Float($0) }
            do {
                outputs[node.name] = try graph.importConstant(
                    name: node.name, value: try Tensor(shape: values.shape, scalars: scalars),
                    dtype: values.floats == nil ? "DT_INT32" : "DT_FLOAT")
            } catch { throw fail(error) }
        default:
            let type = Self.aliases[node.op] ?? node.op
            var inputs: [(argument: String, input: ImportedInput)] = []
            for (position, edge) in node.input.enumerated() {
                guard let input = Self.dataInput(edge) else { continue }
                let argument = "input_\(inputs.count)"
                let key = input.output == 0 ? input.node : "\(input.node):\(input.output)"
                if let variable = variables[input.node], input.output == 0 {
                    inputs.append((argument, .variable(variable)))
                    continue
                }
                guard let tensor = outputs[key] else {
                    throw fail("input '\(edge)' is not an output of a node TensorScope recorded (a NoOp's?)")
                }
                let dataCount = node.input.filter { !$0.hasPrefix("^") }.count
                if Self.integerPositions(type, count: dataCount).contains(inputs.count) {
                    guard let integers = constants[input.node]?.integers else {
                        throw fail("input \(position) ('\(edge)') must be an int32 or int64 Const, which TensorScope reads as integers")
                    }
                    inputs.append((argument, .integers(integers, shape: constants[input.node]!.shape, node: tensor)))
                } else {
                    if constants[input.node]?.integers != nil {
                        throw fail("input \(position) ('\(edge)') is an integer Const where a float32 tensor is expected")
                    }
                    inputs.append((argument, .tensor(tensor)))
                }
            }
            let attributes = node.attr.compactMapValues(Self.attribute)
            let results: [Tensor]
            do {
                results = try graph.importOperation(name: node.name, type: type, inputs: inputs, attributes: attributes)
            } catch { throw fail(error) }
            for (k, tensor) in results.enumerated() { outputs[k == 0 ? node.name : "\(node.name):\(k)"] = tensor }
        }
    }

    /// A `NodeDef` attribute as the op record carries it; nil for kinds no op reads (tensors,
    /// lists of anything but integers, functions).
    static func attribute(_ value: Tensorflow_AttrValue) -> GraphOperation.AttributeValue? {
        switch value.value {
        case .s(let bytes): .string(String(decoding: bytes, as: UTF8.self))
        case .i(let i): .int(Int(i))
        case .f(let f): .float(f)
        case .b(let b): .bool(b)
        case .type(let type): .type(TensorFlowDType.enumName(type))
        case .shape(let shape): shape.unknownRank ? nil : .shape(shape.dim.map { Int($0.size) })
        case .list(let list) where !list.i.isEmpty || (list.s.isEmpty && list.f.isEmpty && list.type.isEmpty && list.shape.isEmpty):
            .ints(list.i.map { Int($0) })
        default: nil
        }
    }
}
