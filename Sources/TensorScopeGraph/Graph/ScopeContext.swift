import TensorScopeKernels
/// Where an op or variable is being created: the graph, the current name scope and the
/// current variable scope. Task-local, so concurrent tasks (and parallel tests) each build
/// in their own scopes; child tasks inherit their parent's.
struct ScopeContext: Sendable {
    let graph: Graph
    /// The current name scope without its trailing `/`; `""` at the root.
    let nameStack: String
    let variableScope: VariableScope

    @TaskLocal static var bound: ScopeContext?
    /// The contexts other graphs were in when the current graph's `asDefault` block began,
    /// keyed by graph, so a graph made the default again inside resumes its scopes.
    @TaskLocal static var suspended: [ObjectIdentifier: ScopeContext] = [:]

    /// The context in effect: the bound one, or the root of the process-wide default graph.
    static var current: ScopeContext {
        bound ?? Graph.processDefault.rootContext
    }

    /// `name` under the current name scope (`"image_filters/conv1/" + name`), before it is made
    /// unique.
    func qualified(_ name: String) -> String {
        nameStack.isEmpty ? name : nameStack + "/" + name
    }

    func with(nameStack: String) -> ScopeContext {
        ScopeContext(graph: graph, nameStack: nameStack, variableScope: variableScope)
    }

    func with(nameStack: String, variableScope: VariableScope) -> ScopeContext {
        ScopeContext(graph: graph, nameStack: nameStack, variableScope: variableScope)
    }
}
