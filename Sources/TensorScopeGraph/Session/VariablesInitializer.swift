import TensorScopeKernels

/// An op that gives every global variable of the default graph a fresh value from its
/// initializer when a `Session` runs it, as `tf.compat.v1.global_variables_initializer()`.
///
/// Recorded as TensorFlow 2.21 records it for resource variables: one `AssignVariableOp` per
/// variable, `<variable>/Assign` (reading the variable's handle and its initial value,
/// `<variable>/Initializer/random_normal` and the like), recorded once, and a `NoOp` named
/// `init` (then `init_1`, …) with a control input (`^<variable>/Assign`) on each.
///
/// TensorScope has no uninitialised variables: a variable gets its value when it is created,
/// so running this op is needed only to draw fresh values again, as the seed program does.
public func globalVariablesInitializer() -> GraphOperation {
    variablesInitializer(Graph.current.globalVariables, name: "init")
}

/// `globalVariablesInitializer()` for `variables` only (`tf.compat.v1.variables_initializer`).
public func variablesInitializer(_ variables: [Variable], name: String = "init") -> GraphOperation {
    let context = ScopeContext.current
    return context.graph.state.withLock { state in
        var controls: [GraphOperation.Input] = []
        for variable in variables {
            let assign = variable.name + "/Assign"
            if !state.operations.contains(where: { $0.name == assign }) {
                _ = state.uniqueName(assign)
                let initialValue = variable.name + "/" + variable.initialValueNode
                _ = state.uniqueName(initialValue)
                state.operations.append(GraphOperation(
                    name: assign, type: "AssignVariableOp",
                    arguments: [.init(node: variable.name, source: .operation, shape: []),
                                .init(node: initialValue, source: .constant, shape: variable.shape)],
                    outputShapes: [], attributes: ["dtype": .type("DT_FLOAT"), "validate_shape": .bool(false)],
                    graphID: context.graph.id))
            }
            controls.append(.init(node: "^" + assign, source: .operation, shape: []))
        }
        let operation = GraphOperation(
            name: state.uniqueName(context.qualified(name)), type: "NoOp", arguments: controls, outputShapes: [],
            attributes: [:], graphID: context.graph.id)
        state.operations.append(operation)
        return operation
    }
}

extension Variable {
    /// The node of the initial value an `AssignVariableOp` reads, under the variable's name, as
    /// TensorFlow names it.
    var initialValueNode: String {
        switch initialization {
        case .initializer(let initializer):
            switch initializer.kind {
            case .normal(_, _, let truncated): truncated ? "Initializer/truncated_normal" : "Initializer/random_normal"
            case .constant: "Initializer/Const"
            case .glorotUniform: "Initializer/random_uniform"
            }
        case .value: "initial_value"
        }
    }
}

extension Session {
    /// Runs `operation`, an op of this session's graph that has effects rather than outputs:
    /// an initializer (`globalVariablesInitializer()`'s `NoOp`, or one `AssignVariableOp`) gives
    /// its variables fresh values from their initializers — a seeded initializer its creation
    /// values again, an unseeded one new values, a variable made from a value (`Variable(_:)`,
    /// `setInitialValues`) that value. All the variables change at once (as a restore does), so a
    /// concurrent run reads them all before or all after. An op with outputs is computed (it
    /// needs no feeds) and its values dropped.
    ///
    /// Initializer ops are looked up in the graph when this runs, so one recorded after the
    /// session was made is seen.
    ///
    /// - Throws: `.invalidArgument` naming the op when it is not in this session's graph, or needs
    ///   a feed; what an initializer throws.
    public func run(_ operation: GraphOperation) throws {
        let operations = graph.operations
        guard operation.graphID == graph.id, operations.contains(operation) else {
            throw TensorScopeError.invalidArgument(
                "Session.run", expected: "an op of this session's graph", got: "'\(operation.name)' (\(operation.type))")
        }
        switch operation.type {
        case "NoOp", "AssignVariableOp":
            let assigns = operation.type == "AssignVariableOp" ? [operation] : operation.inputs.compactMap { input in
                operations.first { "^" + $0.name == input && $0.type == "AssignVariableOp" }
            }
            let variables = assigns.compactMap { assign in graph.globalVariables.first { $0.name == assign.inputs.first } }
            // Fresh values first, then all swapped at once.
            let values = try variables.map { try $0.freshValue() }
            try graph.valuesLock.writing {
                for (variable, value) in zip(variables, values) { try variable.assign(value) }
            }
        default:
            guard operation.outputShapes.count > 0 else { return }
            let producer = Producer(graphID: graph.id, node: operation.name, readOf: nil)
            _ = try run(Tensor(symbolicShape: operation.outputShape, producer: producer), feeds: [:])
        }
    }

    /// The current value of `variable` (`sess.run(var)`), read consistently with restores.
    ///
    /// - Throws: `.invalidArgument` naming the variable when it is not one of this graph's.
    public func run(_ variable: Variable) throws -> Tensor {
        try run([variable])[0]
    }

    /// The current values of `variables`, read at once (no restore or initializer between them).
    public func run(_ variables: [Variable]) throws -> [Tensor] {
        let own = graph.globalVariables
        for variable in variables where !own.contains(where: { $0 === variable }) {
            throw TensorScopeError.invalidArgument(
                "Session.run", expected: "a variable of this session's graph", got: "variable '\(variable.name)' from another graph")
        }
        return graph.readingVariables { variables.map(\.value) }
    }
}
