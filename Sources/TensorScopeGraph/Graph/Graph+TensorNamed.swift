import TensorScopeKernels

extension Graph {
    /// The output of a recorded op by its edge name, as `graph.get_tensor_by_name` finds it:
    /// `"prob:0"` or `"prob"` for the first output, `"split:1"` for the second. For an op of an
    /// imported GraphDef, a placeholder, or any op on one, this is a symbolic tensor to fetch
    /// with a `Session` or to build more ops on; for a `Const` node, its value.
    ///
    /// - Throws: `.invalidArgument` naming `name` when no recorded op has that output.
    public func tensor(named name: String) throws -> Tensor {
        let (node, output) = splitEdge(name)
        return try state.withLock { state in
            guard let operation = state.operations.last(where: { $0.name == node }) else {
                throw TensorScopeError.invalidArgument(
                    "Graph.tensor(named:)", expected: "the name of a recorded op's output (\"op\" or \"op:0\")",
                    got: "'\(name)', which no op of the graph has")
            }
            guard output < operation.outputShapes.count else {
                throw TensorScopeError.invalidArgument(
                    "Graph.tensor(named:)", expected: "an output of '\(node)' (it has \(operation.outputShapes.count))",
                    got: "'\(name)'")
            }
            let edge = output == 0 ? node : "\(node):\(output)"
            let producer = Producer(graphID: id, node: edge, readOf: nil)
            if operation.type == "Const", var value = state.constants[node] {
                value.producer = producer
                return value
            }
            return Tensor(symbolicShape: operation.outputShapes[output], producer: producer)
        }
    }
}
