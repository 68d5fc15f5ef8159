import TensorScopeKernels
extension Graph {
    /// TensorFlow's `Graph.name_scope(name)` entry: validates `name` and returns the new name
    /// stack (no trailing `/`) and the scope string TF returns (`"a/"`, or `""` at the root).
    ///
    /// While the graph does not record operations, name scopes name nothing that is kept, so
    /// they take no name in the namespace (and are not made unique): a loop of forward passes
    /// then adds nothing to the graph. Names that are kept — a `Variable`'s — always are
    /// (`always: true`).
    func openNameScope(_ name: String, under stack: String, always: Bool = false) throws -> (stack: String, scope: String) {
        if name.isEmpty { return ("", "") }
        try NameRules.validateScopeName(name, underStack: stack)
        if name.hasSuffix("/") {
            return (String(name.dropLast()), name)
        }
        let full = stack.isEmpty ? name : stack + "/" + name
        let unique = state.withLock { state in
            always || state.recordsOperations ? state.uniqueName(full) : full
        }
        return (unique, unique + "/")
    }
}

/// Runs `body` inside a name scope, as `with tf.name_scope(name):`.
///
/// - `name` opens `current/name`, made unique in the graph's namespace (`a`, `a_1`, …).
/// - A name ending in `/` re-enters exactly that scope, from the root, without a suffix.
/// - `""` returns to the root name scope.
///
/// Name scopes name ops and `Variable`s; `getVariable` ignores them.
/// - Throws: `.invalidName` when `name` breaks TF's pattern (stricter at the root);
///   otherwise whatever `body` throws.
@discardableResult
public func nameScope<R>(_ name: String, _ body: () throws -> R) throws -> R {
    let context = ScopeContext.current
    let (stack, _) = try context.graph.openNameScope(name, under: context.nameStack)
    return try ScopeContext.$bound.withValue(context.with(nameStack: stack), operation: body)
}

/// `nameScope` for asynchronous work.
@discardableResult
public func nameScope<R>(
    _ name: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
) async throws -> R {
    let context = ScopeContext.current
    let (stack, _) = try context.graph.openNameScope(name, under: context.nameStack)
    return try await ScopeContext.$bound.withValue(
        context.with(nameStack: stack), operation: body, isolation: isolation)
}

/// The current name scope with a trailing `/` (`"image_filters_1/conv1/"`), or `""` at the root.
public func currentNameScope() -> String {
    let stack = ScopeContext.current.nameStack
    return stack.isEmpty ? "" : stack + "/"
}
