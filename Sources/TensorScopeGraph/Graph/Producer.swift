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
