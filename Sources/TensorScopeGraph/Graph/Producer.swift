import TensorScopeKernels
/// Where a tensor came from in a graph: the node that made it, and for a variable's read the
/// variable. Tensors carry this so the next op can record the edge.
struct Producer: Sendable, Equatable {
    /// `Graph.id` of the graph the node is in; a tensor used in another graph has no edge there.
    let graphID: UInt64
    /// The edge as a `NodeDef` input lists it: the node name, with `:k` for output k > 0.
    let node: String
    /// Set when the node is a `ReadVariableOp` of this variable.
    let readOf: String?
}

/// An edge as a `NodeDef` input writes it: `"conv"` is output 0 of node `conv`, `"split:1"`
/// output 1 of `split`. A suffix that is not a whole number of at least 0 is part of the name.
package func splitEdge(_ edge: String) -> (node: String, output: Int) {
    if let colon = edge.lastIndex(of: ":"), let output = Int(edge[edge.index(after: colon)...]), output >= 0 {
        return (String(edge[..<colon]), output)
    }
    return (edge, 0)
}
