/// Gets an existing variable or creates a new one, as `tf.get_variable`.
///
/// The variable's full name is `currentVariableScope().name + "/" + name`; name scopes play
/// no part. With the scope's reuse mode:
/// - `.inherit` (reuse off): creates it; if it exists → "Variable … already exists, disallowed."
/// - `.reuse`: returns the existing variable (the same object); if there is none →
///   "Variable … does not exist, or was not created with getVariable()."
/// - `.autoReuse`: returns it if it exists, creates it otherwise.
///
/// When an existing variable is returned, `shape` (if given) must equal its shape; the
/// `initializer` and `trainable` of this call are ignored. A new variable's value comes from
/// `initializer`, else the scope's default initializer, else `.glorotUniform()`.
///
/// - Throws: `TensorScopeError` with TensorFlow's wording. A failed call creates no variable
///   and records no op (as in TensorFlow, an initializer that fails still uses up the name).
public func getVariable(
    _ name: String, shape: [Int]? = nil, initializer: Initializer? = nil, trainable: Bool = true
) throws -> Variable {
    let scope = ScopeContext.current.variableScope
    let graph = ScopeContext.current.graph
    let fullName = scope.name.isEmpty ? name : scope.name + "/" + name
    let reuse = scope.reuse
    let chosenInitializer = initializer ?? scope.initializer
    return try graph.state.withLock { state in
        if let existing = state.store[fullName] {
            guard reuse.isOn else {
                throw TensorScopeError(
                    .variableAlreadyExists,
                    "Variable \(fullName) already exists, disallowed. Did you mean to set reuse=true or reuse=.autoReuse in VarScope?")
            }
            if let shape, shape != existing.shape {
                throw TensorScopeError(
                    .shapeMismatch,
                    "Trying to share variable \(fullName), but specified shape \(shape) and found shape \(existing.shape).")
            }
            return existing
        }
        guard reuse != .reuse else {
            throw TensorScopeError(
                .variableDoesNotExist,
                "Variable \(fullName) does not exist, or was not created with getVariable(). Did you mean to set reuse=.autoReuse in VarScope?")
        }
        guard let shape else {
            if chosenInitializer == nil {
                throw TensorScopeError(
                    .missingInitializer,
                    "Variable \(fullName) did not get an initializer, so its `shape` argument must be specified.")
            }
            throw TensorScopeError(
                .missingInitializer,
                "Variable \(fullName): the initializer passed needs a shape, and no `shape` argument was specified.")
        }
        try NameRules.validateScopeName(fullName, underStack: "")
        _ = try Tensor.elementCount(of: shape, op: "getVariable(\(fullName))")
        // As in TensorFlow, the variable's name scope is taken before its initializer runs, so
        // an initializer that fails (a list longer than the shape) still uses up the name.
        let uniqueName = state.uniqueName(fullName)
        let value: Tensor
        if let staged = state.initialValues[fullName] {
            guard staged.shape == shape else {
                throw TensorScopeError.invalidArgument(
                    "getVariable", expected: "shape \(shape) for \(fullName)",
                    got: "an initial value of shape \(staged.shape) (setInitialValues)")
            }
            value = staged
        } else {
            value = try (chosenInitializer ?? .glorotUniform()).tensor(shape: shape)
        }
        let variable = Variable(name: uniqueName, value: value, trainable: trainable)
        state.store[fullName] = variable
        state.append(variable)
        return variable
    }
}

/// The default graph's trainable variables in creation order, as `tf.trainable_variables()`.
public func trainableVariables() -> [Variable] {
    Graph.current.trainableVariables
}

/// All of the default graph's variables in creation order, as `tf.global_variables()`.
public func globalVariables() -> [Variable] {
    Graph.current.globalVariables
}
