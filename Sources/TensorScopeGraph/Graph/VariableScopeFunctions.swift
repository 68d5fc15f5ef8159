import TensorScopeKernels
/// Runs `body` inside a variable scope, as `with tf.variable_scope(name, reuse=…,
/// initializer=…) as scope:`.
///
/// The scope's name is `parent/name` (never made unique) and names the variables
/// `getVariable` creates inside. It also opens a name scope `name`, made unique (`image_filters`,
/// then `image_filters_1`), which names ops. Reuse is `reuse` if that switches reuse on, else
/// the parent's: a nested scope can turn reuse on, never off. `initializer` becomes the
/// default for `getVariable` inside, nested scopes included.
///
/// - Parameters:
///   - name: the scope name; `nil` to use `defaultName`, made unique among sibling scopes.
///   - defaultName: the name to make unique when `name` is nil (TF's `default_name`).
///   - reuse: `.reuse` (`true`) or `.autoReuse` switches reuse on; `.inherit` keeps the parent's.
///   - initializer: the default initializer for `getVariable` inside, nested scopes included.
///   - body: the block, given the scope object.
/// - Returns: what `body` returns.
/// - Throws: `.invalidName` for a name TF rejects, or for `reuse` with no `name`; otherwise
///   whatever `body` throws.
@discardableResult
public func variableScope<R>(
    _ name: String?, defaultName: String? = nil, reuse: Reuse = .inherit, initializer: Initializer? = nil,
    _ body: (VariableScope) throws -> R
) throws -> R {
    let entry = try VariableScopeEntry(name: name, defaultName: defaultName, reuse: reuse, initializer: initializer)
    defer { entry.exit() }
    return try ScopeContext.$bound.withValue(entry.context) { try body(entry.scope) }
}

/// Re-enters a captured scope, as `with tf.variable_scope(scope, reuse=…):`.
///
/// Variables are named under `scope.name` exactly; the name scope opened is the last
/// component of that name, relative to the current name scope and made unique. Reuse is
/// `reuse` if that switches reuse on, else the captured scope's own (not the enclosing
/// scope's); its initializer is kept unless `initializer` is given. `body` receives a fresh
/// copy of the scope.
@discardableResult
public func variableScope<R>(
    _ scope: VariableScope, reuse: Reuse = .inherit, initializer: Initializer? = nil,
    _ body: (VariableScope) throws -> R
) throws -> R {
    let entry = try VariableScopeEntry(reopening: scope, reuse: reuse, initializer: initializer)
    defer { entry.exit() }
    return try ScopeContext.$bound.withValue(entry.context) { try body(entry.scope) }
}

/// `variableScope(_:defaultName:reuse:initializer:_:)` for asynchronous work.
@discardableResult
public func variableScope<R>(
    _ name: String?, defaultName: String? = nil, reuse: Reuse = .inherit, initializer: Initializer? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (VariableScope) async throws -> R
) async throws -> R {
    let entry = try VariableScopeEntry(name: name, defaultName: defaultName, reuse: reuse, initializer: initializer)
    defer { entry.exit() }
    return try await ScopeContext.$bound.withValue(
        entry.context, operation: { try await body(entry.scope) }, isolation: isolation)
}

/// `variableScope(_:reuse:initializer:_:)` (re-entering a scope object) for asynchronous work.
@discardableResult
public func variableScope<R>(
    _ scope: VariableScope, reuse: Reuse = .inherit, initializer: Initializer? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (VariableScope) async throws -> R
) async throws -> R {
    let entry = try VariableScopeEntry(reopening: scope, reuse: reuse, initializer: initializer)
    defer { entry.exit() }
    return try await ScopeContext.$bound.withValue(
        entry.context, operation: { try await body(entry.scope) }, isolation: isolation)
}

/// The variable scope in effect, as `tf.get_variable_scope()`: the innermost open one, or the
/// default graph's root scope (name `""`).
public func currentVariableScope() -> VariableScope {
    ScopeContext.current.variableScope
}
