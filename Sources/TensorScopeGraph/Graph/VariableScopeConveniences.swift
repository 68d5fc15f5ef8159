import TensorScopeKernels
// The forms TensorFlow 1.x porters reach for: a `with` block whose body ignores the scope, and
// a scope captured to be re-entered later (the seed program's third way of sharing).

/// `variableScope(_:defaultName:reuse:initializer:_:)` for a body that does not need the scope
/// object: `try variableScope("conv1") { try convRelu(x, …) }`.
@discardableResult
public func variableScope<R>(
    _ name: String?, defaultName: String? = nil, reuse: Reuse = .inherit, initializer: Initializer? = nil,
    _ body: () throws -> R
) throws -> R {
    try variableScope(name, defaultName: defaultName, reuse: reuse, initializer: initializer) { (_: VariableScope) in try body() }
}

/// `variableScope(_:reuse:initializer:_:)` (re-entering a scope object) for a body that does
/// not need the scope object.
@discardableResult
public func variableScope<R>(
    _ scope: VariableScope, reuse: Reuse = .inherit, initializer: Initializer? = nil, _ body: () throws -> R
) throws -> R {
    try variableScope(scope, reuse: reuse, initializer: initializer) { (_: VariableScope) in try body() }
}

/// Opens a variable scope, runs `body` in it, and returns the scope object with the body's
/// value — for re-entering the scope later, as TensorFlow's `with tf.variable_scope(…) as scope:`
/// keeps `scope` after the block:
///
/// ```swift
/// let (scope, first) = try capturingVariableScope("image_filters") { try myImageFilter(image1) }
/// let second = try variableScope(scope, reuse: true) { try myImageFilter(image2) }
/// ```
public func capturingVariableScope<R>(
    _ name: String, reuse: Reuse = .inherit, initializer: Initializer? = nil, _ body: () throws -> R
) throws -> (scope: VariableScope, value: R) {
    try variableScope(name, reuse: reuse, initializer: initializer) { scope in (scope, try body()) }
}
