import TensorScopeKernels

/// What a `Session` runs: the graph's record as it was when the session was made, indexed for
/// planning — ops by name, placeholders, the kept constants and the variables by name.
struct Program: Sendable {
    let graphID: UInt64
    let operations: [GraphOperation]
    let indexByName: [String: Int]
    let constants: [String: Tensor]
    let variables: [String: Variable]

    init(_ graph: Graph) {
        (operations, constants) = graph.state.withLock { ($0.operations, $0.constants) }
        graphID = graph.id
        indexByName = Dictionary(operations.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        variables = Dictionary(graph.globalVariables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// An edge as a `NodeDef` input writes it (`"conv/Relu"`, `"split:1"`): its op and output.
    func resolve(edge: String) -> (op: Int, output: Int)? {
        if let index = indexByName[edge] { return (index, 0) }
        let (node, output) = splitEdge(edge)
        guard let index = indexByName[node], output < operations[index].outputShapes.count else { return nil }
        return (index, output)
    }

    /// The placeholder op a feed key names (`"images"` or `"images:0"`).
    func placeholder(forFeed key: String) -> Int? {
        guard let (index, output) = resolve(edge: key), output == 0,
              operations[index].type == "Placeholder" else { return nil }
        return index
    }
}
