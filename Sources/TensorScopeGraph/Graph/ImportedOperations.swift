import TensorScopeKernels

/// One input of an op being imported: a tensor (a placeholder, a constant, another imported
/// op's output), or the integers of a `Const` node that an op reads as integers (a reshape's
/// shape, an argmax's axis).
package enum ImportedInput {
    case tensor(Tensor)
    /// A variable, read when a `Session` runs (a `VariableV2`'s or `VarHandleOp`'s).
    case variable(Variable)
    case integers([Int], shape: [Int], node: Tensor)
}

/// What a GraphDef importer needs from the graph: ops recorded under their own names, computing
/// nothing when imported (a `Session` computes what its fetches need, so a hostile graph costs
/// nothing until it is run, and a large model nothing twice).
extension Graph {
    /// Whether an op of `type` can be recorded by `importOperation` and run by a `Session`.
    package static func canImport(type: String) -> Bool { OpRegistry.definitions[type] != nil }

    /// Records a float32 `Placeholder` named `name` of `shape` (`-1` where unknown).
    package func importPlaceholder(name: String, shape: [Int]) throws -> Tensor {
        try asDefault {
            let op = PendingOperation("Placeholder", name: name, [], attributes: [
                "dtype": .type("DT_FLOAT"), "shape": .shape(shape),
            ], exactName: true)
            guard op.record != nil else { throw duplicate(name) }
            return Tensor(symbolicShape: shape, producer: op.finish(outputShape: shape))
        }
    }

    /// A variable named exactly `name` (a `VariableV2` or `VarHandleOp` node), in the store
    /// and the global and trainable collections, holding zeros until a restore — an imported
    /// graph's variables have no initializer TensorScope runs.
    ///
    /// - Throws: when a variable of that name exists, or its zeros do not fit in memory.
    package func importVariable(name: String, shape: [Int]) throws -> Variable {
        let count = try Shapes.allocatableCount(of: shape, op: "import: variable '\(name)'")
        return try state.withLock { state in
            guard state.store[name] == nil, state.reserveExactName(name) else { throw duplicate(name) }
            let variable = Variable(name: name, value: Tensor(uncheckedShape: shape, scalars: [Float](repeating: 0, count: count)),
                                    trainable: true)
            state.store[name] = variable
            state.append(variable)
            return variable
        }
    }

    /// Records a `Const` node named `name` holding `value`, kept for a `Session`; returns the
    /// value stamped with it as producer.
    package func importConstant(name: String, value: Tensor, dtype: String) throws -> Tensor {
        try asDefault {
            let op = PendingOperation("Const", name: name, [], attributes: ["dtype": .type(dtype)], exactName: true)
            guard op.record != nil else { throw duplicate(name) }
            state.withLock { $0.constants[name] = value }
            var stamped = value
            stamped.producer = op.finish(outputShape: value.shape)
            return stamped
        }
    }

    /// Records an op of a registered `type` named exactly `name`, with symbolic outputs whose
    /// shapes are inferred from the inputs' (`-1` where unknown); computes nothing.
    ///
    /// - Throws: when `name` is taken, the op type takes another number of inputs, or the op
    ///   rejects its inputs' shapes or `attributes` (the message names the op type; the
    ///   importer adds the node).
    package func importOperation(
        name: String, type: String, inputs: [(argument: String, input: ImportedInput)],
        attributes: [String: GraphOperation.AttributeValue]
    ) throws -> [Tensor] {
        try OpRegistry.checkInputCount(type, inputs.count)
        return try asDefault {
            let opInputs = inputs.map { argument, input in
                switch input {
                case .tensor(let tensor): OpInput(argument, tensor)
                case .variable(let variable): OpInput(argument, variable)
                case .integers(let values, let shape, let node):
                    OpInput(argument, integers: values, shape: shape, producer: node.producer)
                }
            }
            let op = PendingOperation(type, name: name, opInputs, attributes: attributes, exactName: true)
            guard op.record != nil else { throw duplicate(name) }
            return try op.finishSymbolic(outputShapes: OpRegistry.symbolicOutputShapes(type, op.inputs, attributes))
        }
    }

    private func duplicate(_ name: String) -> TensorScopeError {
        TensorScopeError(.invalidName, "import: two nodes named '\(name)'")
    }
}
