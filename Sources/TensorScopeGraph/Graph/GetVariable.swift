import TensorScopeKernels
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
    // Under the lock only the bookkeeping: the initializer runs outside it, so a large one does
    // not hold up other tasks' scopes and ops. The decision is taken again after it ran, since
    // another task may have created the variable meanwhile (then `.autoReuse` returns that one).
    enum Lookup {
        case existing(Variable)
        case create(initialValue: Tensor?, graphSeed: Int?)
    }
    let lookup = try graph.state.withLock { state -> Lookup in
        if let existing = state.store[fullName] {
            return .existing(try existingVariable(existing, fullName: fullName, shape: shape, reuse: reuse))
        }
        try checkCreation(fullName: fullName, shape: shape, reuse: reuse, hasInitializer: chosenInitializer != nil)
        return .create(initialValue: state.initialValues[fullName], graphSeed: state.randomSeed)
    }
    let initialValue: Tensor?, graphSeed: Int?
    switch lookup {
    case .existing(let variable): return variable
    case .create(let value, let seed): (initialValue, graphSeed) = (value, seed)
    }
    let shape = shape!  // checkCreation made sure there is one
    let value: Result<Tensor, Error>
    var initialization: Variable.Initialization?
    if let initialValue {
        value = initialValue.shape == shape
            ? .success(initialValue)
            : .failure(TensorScopeError.invalidArgument(
                "getVariable", expected: "shape \(shape) for \(fullName)",
                got: "an initial value of shape \(initialValue.shape) (setInitialValues)"))
    } else {
        var initializer = chosenInitializer ?? .glorotUniform()
        if let graphSeed { initializer = initializer.seeded(ifUnseeded: derivedSeed(graphSeed, fullName)) }
        let chosen = initializer
        initialization = .initializer(chosen)
        value = Result { try chosen.tensor(shape: shape) }
    }
    return try graph.state.withLock { state in
        if let existing = state.store[fullName] {
            return try existingVariable(existing, fullName: fullName, shape: shape, reuse: reuse)
        }
        // As in TensorFlow, the variable's name scope is taken before its initializer runs, so
        // an initializer that fails (a list longer than the shape) still uses up the name.
        let uniqueName = state.uniqueName(fullName)
        let variable = Variable(name: uniqueName, value: try value.get(), trainable: trainable, initialization: initialization)
        state.store[fullName] = variable
        state.append(variable)
        return variable
    }
}

/// A variable's seed from the graph seed and its full name (FNV-1a of the name, mixed with the
/// graph seed by SplitMix64's finaliser), so it depends on neither creation order nor process.
private func derivedSeed(_ graphSeed: Int, _ name: String) -> Int {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    var z = hash ^ UInt64(bitPattern: Int64(graphSeed)) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int(bitPattern: UInt(z ^ (z >> 31)))
}

/// The checks `getVariable` makes when `fullName` exists: reuse must be on and the shapes equal.
private func existingVariable(_ existing: Variable, fullName: String, shape: [Int]?, reuse: Reuse) throws -> Variable {
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

/// The checks `getVariable` makes before creating `fullName`.
private func checkCreation(fullName: String, shape: [Int]?, reuse: Reuse, hasInitializer: Bool) throws {
    guard reuse != .reuse else {
        throw TensorScopeError(
            .variableDoesNotExist,
            "Variable \(fullName) does not exist, or was not created with getVariable(). Did you mean to set reuse=.autoReuse in VarScope?")
    }
    guard let shape else {
        if !hasInitializer {
            throw TensorScopeError(
                .missingInitializer,
                "Variable \(fullName) did not get an initializer, so its `shape` argument must be specified.")
        }
        throw TensorScopeError(
            .missingInitializer,
            "Variable \(fullName): the initializer passed needs a shape, and no `shape` argument was specified.")
    }
    try NameRules.validateScopeName(fullName, underStack: "")
    _ = try Shapes.elementCount(of: shape, op: "getVariable(\(fullName))")
}
