import TensorScopeKernels

// An op with a symbolic input (a placeholder, or an op computed from one) computes nothing: it
// records itself with the shapes its definition infers, keeps the values a `Session` will need
// that are not in the record (its plain-tensor arguments), and returns symbolic outputs.

extension PendingOperation {
    var hasSymbolicInput: Bool { inputs.contains { $0.value?.isSymbolic == true } }

    /// Records the op with symbolic outputs of `shapes` and keeps its non-symbolic arguments'
    /// values under their nodes for a `Session`.
    ///
    /// - Throws: when the graph does not record (a symbolic op exists only as its record), or a
    ///   symbolic input comes from another graph.
    func finishSymbolic(outputShapes shapes: [[Int]]) throws -> [Tensor] {
        guard let record else {
            throw TensorScopeError.invalidArgument(
                type, expected: "a graph that records operations for an op on a symbolic tensor",
                got: "recordsOperations == false")
        }
        for input in inputs {
            guard let value = input.value, value.isSymbolic else { continue }
            guard value.producer?.graphID == graph.id else {
                throw TensorScopeError.invalidArgument(
                    type, expected: "symbolic inputs of this op's graph",
                    got: "\(value.opName.map { "'\($0)'" } ?? "a symbolic tensor") from another graph")
            }
        }
        graph.state.withLock { state in
            for (input, argument) in zip(inputs, record.arguments) {
                guard let value = input.value, !value.isSymbolic else { continue }
                switch argument.source {
                case .constant:
                    state.constants[argument.node] = value
                case .operation:
                    // An eager op's output. One computed from variables alone (`-alpha`,
                    // `rsqrt(variance + ε)`) is run again by the Session, so it sees the
                    // variables' values then; any other is kept as the value it had (the Session
                    // does not have its other inputs).
                    if !state.isComputedFromVariables(argument.node) { state.constants[argument.node] = value }
                case .variableRead:
                    break  // read by the Session when it runs
                }
            }
        }
        let producers = finish(outputShapes: shapes)
        return zip(shapes, producers).map { Tensor(symbolicShape: $0, producer: $1) }
    }
}

extension OpRegistry {
    /// Two sizes an unknown dimension stands for while shapes are inferred: with many small
    /// factors (so a reshape's `-1` or a stride divides them as it would the real size) and
    /// different, so an output dimension that depends on an unknown one differs between them.
    private static let probes = (840, 1260)

    /// The output shapes of an op of `type` on inputs whose shapes may hold `-1`: the definition's
    /// shapes with every unknown dimension taken as each probe size in turn, `-1` where the two
    /// results differ; when the op takes no probe size (an unknown dimension that must match a
    /// known one), the known size it takes.
    static func symbolicOutputShapes(_ type: String, _ inputs: [OpInput], _ attributes: Attributes) throws -> [[Int]] {
        guard let definition = definitions[type] else {
            throw TensorScopeError.invalidArgument(type, expected: "an op type TensorScope computes", got: "\"\(type)\"")
        }
        guard inputs.contains(where: { $0.shape.contains(-1) }) else {
            return try definition.outputShapes(inputs.map { $0.withShape($0.shape) }, attributes)
        }
        func probe(_ size: Int) throws -> [[Int]] {
            try definition.outputShapes(inputs.map { $0.withShape($0.shape.map { $0 < 0 ? size : $0 }) }, attributes)
        }
        do {
            let (a, b) = try (probe(probes.0), probe(probes.1))
            return zip(a, b).map { x, y in
                x.count == y.count ? zip(x, y).map { $0 == $1 ? $0 : -1 } : x
            }
        } catch {
            // An unknown dimension that must equal a known one (`[?, 4] - [3, 4]`, a matrix
            // product's inner size): the first known size of the inputs the op accepts in its
            // place is the one it must have, as TensorFlow's shape functions infer it.
            let known = Set(inputs.flatMap { $0.shape.filter { $0 >= 0 } }).sorted()
            for size in known {
                if let shapes = try? probe(size) { return shapes }
            }
            throw error
        }
    }
}

extension Graph.State {
    /// The most elements a constant input of an eager op may have for the graph to keep it
    /// (see `noteVariableInputs`): an epsilon, a scale, a bias — never a batch of images.
    static let keptConstantLimit = 4096

    /// Whether the recorded op with output `edge` is computed from variables alone — variable
    /// reads, constants the graph kept, and outputs of other such ops — so a `Session` can run
    /// it again and see the variables' values at that time (`-alpha`, `rsqrt(variance + ε)`).
    func isComputedFromVariables(_ edge: String) -> Bool {
        computedFromVariables.contains(splitEdge(edge).node)
    }

    /// For an op about to be recorded as `name` with these arguments and their values: when it
    /// reads a variable, directly or through an op computed from variables, its small constants
    /// are kept (so a Session can run it again), and when every input is such a value, the op
    /// is noted as computed from variables itself. Each op is decided once, from its inputs'
    /// notes, so nothing is looked up in the record.
    mutating func noteVariableInputs(of name: String, _ arguments: [GraphOperation.Input], values: [Tensor?]) {
        var readsVariable = false, allKept = true
        for argument in arguments {
            switch argument.source {
            case .variableRead: readsVariable = true
            case .operation:
                if isComputedFromVariables(argument.node) { readsVariable = true } else { allKept = false }
            case .constant: break
            }
        }
        guard readsVariable else { return }
        for (argument, value) in zip(arguments, values) where argument.source == .constant {
            guard let value, !value.isSymbolic, value.scalarCount <= Self.keptConstantLimit else {
                allKept = false
                continue
            }
            constants[argument.node] = value
        }
        if allKept { computedFromVariables.insert(name) }
    }
}
