import TensorScopeKernels

/// One compiled run of a program: the steps the fetches need, in order, with every value's
/// shape resolved for one set of feed shapes, fused where the kernels can do two ops in one
/// pass, and every intermediate value at a fixed offset of one arena whose size is planned
/// here (`MemoryPlan`). Immutable once made; runs on as many threads as call it, each with an
/// arena of its own.
struct ExecutionPlan: Sendable {
    /// Where a value's floats are during a run.
    enum Source: Sendable {
        /// The tensor fed for the placeholder with this op name.
        case feed(String)
        /// A value kept in the graph (a `Const` node, an eagerly computed tensor).
        case constant(Tensor)
        /// A variable's value, read when the run starts.
        case variable(Variable)
        /// An output of one of the plan's steps.
        case computed
        /// The floats of another value under this value's shape (a reshape).
        case alias(Int)
        /// The filter (or the shift) of `folds[fold]`, computed when a run starts from the
        /// values it folds — again only when a variable among them has changed.
        case folded(fold: Int, filter: Bool)
    }

    /// Work on a convolution's filter that a plan does once instead of on every output: a batch
    /// norm folded in (`Fusion.foldBatchNorms`), or a product by a per-channel vector
    /// (`Fusion.foldScales`). The values it reads are constants or variables' values.
    struct FilterFold: Sendable {
        enum Kind: Sendable {
            /// `BatchNorm.fold` of `inputs` `[filter, bias?, scale, offset, mean, variance]`:
            /// a scaled filter and a shift.
            case batchNorm(epsilon: Float, biased: Bool)
            /// Each output channel of `inputs[0]` times `inputs[1]`'s: a scaled filter; the
            /// shift is unused.
            case scale
        }
        var kind: Kind
        var inputs: [Int]
    }

    struct Value: Sendable {
        var shape: [Int]
        var source: Source
        var count: Int { shape.reduce(1, *) }
    }

    /// One kernel call: an op's computation, or several ops computed in one pass.
    struct Step: Sendable {
        /// The recorded ops this step computes (one, or a fused chain), first to last — its own
        /// op first, then the ops fused after it.
        var names: [String]
        /// Recorded ops folded into this step ahead of its own (a `Pad` its convolution now
        /// skips), first to last.
        var leading: [String] = []
        var type: String
        var definition: OpDefinition
        var attributes: Attributes
        var inputs: [Int]
        var outputs: [Int]
        /// Applied to the output in the kernel's epilogue (or right after it): ops fused into
        /// this step.
        var epilogue: PlannedEpilogue?
        /// Element-wise ops applied after this one (itself element-wise) in the same pass, a
        /// chunk at a time while it is in cache: each reads the previous one's output.
        var chain: [Step] = []
        /// For each op of `chain`, the value it reads from the op before it.
        var chainValues: [Int] = []

        /// Every value the step reads: its inputs, its epilogue's, its chain's.
        var allInputs: [Int] { inputs + (epilogue?.inputs ?? []) + chain.flatMap(\.inputs) }
    }

    var values: [Value] = []
    var steps: [Step] = []
    var folds: [FilterFold] = []
    /// The value of each fetch, in fetch order.
    var fetched: [Int] = []
    var memory = MemoryPlan()

    /// Compiles the steps `fetches` need (edges of `program`), for feeds of `feedShapes`.
    init(_ program: Program, fetches: [String], feedShapes: [String: [Int]]) throws {
        var valueOfEdge: [String: Int] = [:]
        func addValue(_ value: Value) -> Int {
            values.append(value)
            return values.count - 1
        }
        // Which ops the fetches need: walk back from them, stopping at values the graph keeps.
        var needed = Set<Int>()
        var stack = fetches.map { program.resolve(edge: $0)!.op }
        while let index = stack.popLast() {
            guard needed.insert(index).inserted else { continue }
            for argument in program.operations[index].arguments where argument.source == .operation {
                if program.constants[argument.node] != nil { continue }
                guard let (producer, _) = program.resolve(edge: argument.node) else {
                    throw TensorScopeError.invalidArgument(
                        "Session.run", expected: "inputs recorded before the Session was made",
                        got: "'\(argument.node)' (input of '\(program.operations[index].name)') missing")
                }
                stack.append(producer)
            }
        }
        for index in needed.sorted() {
            let operation = program.operations[index]
            if operation.type == "Placeholder" {
                guard let shape = feedShapes[operation.name] else {
                    throw TensorScopeError.invalidArgument(
                        "Session.run", expected: "a tensor fed for placeholder '\(operation.name)', which the fetches need",
                        got: "no feed for it")
                }
                valueOfEdge[operation.name] = addValue(Value(shape: shape, source: .feed(operation.name)))
                continue
            }
            if operation.type == "Const", let value = program.constants[operation.name] {
                valueOfEdge[operation.name] = addValue(Value(shape: value.shape, source: .constant(value)))
                continue
            }
            guard let definition = OpRegistry.definitions[operation.type] else {
                throw TensorScopeError.invalidArgument(
                    "Session.run", expected: "ops a Session computes", got: "'\(operation.name)' of type \(operation.type)")
            }
            var inputs: [Int] = []
            var shapeInputs: [OpInput] = []
            for argument in operation.arguments {
                let id: Int
                if let known = valueOfEdge[argument.node] {
                    id = known
                } else {
                    switch argument.source {
                    case .variableRead(let name):
                        guard let variable = program.variables[name] else {
                            throw TensorScopeError.invalidArgument(
                                "Session.run", expected: "variable '\(name)' in the graph", got: "none of that name")
                        }
                        id = addValue(Value(shape: variable.shape, source: .variable(variable)))
                    case .constant, .operation:
                        guard let value = program.constants[argument.node] else {
                            throw TensorScopeError.invalidArgument(
                                "Session.run", expected: "a value for '\(argument.node)' (input of '\(operation.name)')",
                                got: "none kept in the graph")
                        }
                        id = addValue(Value(shape: value.shape, source: .constant(value)))
                    }
                    valueOfEdge[argument.node] = id
                }
                inputs.append(id)
                let constant: Tensor? = if case .constant(let t) = values[id].source { t } else { nil }
                shapeInputs.append(OpInput(argument.node, shape: values[id].shape, constant: constant))
            }
            let shapes = try definition.outputShapes(shapeInputs, operation.attributes)
            for (k, shape) in shapes.enumerated() {
                _ = try Shapes.allocatableCount(of: shape, op: operation.name)
                let edge = k == 0 ? operation.name : "\(operation.name):\(k)"
                let source: Source = definition.forwardsInput.map { .alias(inputs[$0]) }
                    ?? .computed
                valueOfEdge[edge] = addValue(Value(shape: shape, source: source))
            }
            if definition.forwardsInput != nil { continue }
            let outputs = shapes.indices.map { valueOfEdge[$0 == 0 ? operation.name : "\(operation.name):\($0)"]! }
            steps.append(Step(names: [operation.name], type: operation.type, definition: definition,
                              attributes: operation.attributes, inputs: inputs, outputs: outputs))
        }
        fetched = fetches.map { valueOfEdge[$0]! }
        Fusion.apply(to: &self)
        memory = MemoryPlan(self)
        // Each value fits (checked above); the ones alive together must too.
        guard memory.arenaBytes <= Shapes.physicalMemoryBytes else {
            throw TensorScopeError.invalidArgument(
                "Session.run", expected: "intermediate values that fit together in this machine's \(Shapes.physicalMemoryBytes >> 20) MiB",
                got: "\(memory.arenaBytes >> 20) MiB for these feed shapes")
        }
    }

    /// The value whose floats `id` uses: itself, or what it aliases.
    func root(of id: Int) -> Int {
        var id = id
        while case .alias(let target) = values[id].source { id = target }
        return id
    }
}

extension OpInput {
    /// An input known by its shape (and, for a constant, its values), for planning.
    init(_ argument: String, shape: [Int], constant: Tensor?) {
        self.init(argument, fusedOutputOf: nil, shape: shape)
        if let constant { self = OpInput(argument, constant).withShape(shape) }
    }
}
