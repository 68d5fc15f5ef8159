import TensorScopeKernels
/// One input of an op, as the recording funnel sees it: TensorFlow's argument name (which
/// names the `Const` node of a plain tensor, `Conv2D/input`), the value, and the variable it
/// was read from, if any.
struct OpInput {
    let argument: String
    /// The value the op computes with; nil for the output of an op fused into this one.
    let value: Tensor?
    let shape: [Int]
    /// The variable `value` was read from and the snapshot it is (whose version lets a
    /// convolution reuse the filter packed for it); nil for other inputs.
    let read: VariableRead?
    var variable: Variable? { read?.variable }
    let producer: Producer?
    /// The exact values of an integer argument (a reshape's `shape`), which `value` holds as
    /// floats; nil for other arguments.
    let integers: [Int]?

    /// An ordinary argument: a tensor, or a variable (read inside the op's name scope, as
    /// TensorFlow converts it there).
    init(_ argument: String, _ input: any TensorConvertible) {
        self.argument = argument
        let tensor: Tensor
        if let variable = input as? Variable {
            let snapshot = variable.snapshot
            read = VariableRead(variable: variable, snapshot: snapshot)
            tensor = snapshot.value
        } else {
            read = nil
            tensor = input.tensorValue
        }
        value = tensor
        shape = tensor.shape
        producer = tensor.producer
        integers = nil
    }

    /// This input with another shape (and no values), for inferring shapes.
    func withShape(_ newShape: [Int]) -> OpInput {
        OpInput(argument: argument, shape: newShape, integers: integers, original: self)
    }

    private init(argument: String, shape: [Int], integers: [Int]?, original: OpInput) {
        self.argument = argument
        self.shape = shape
        self.integers = integers
        value = original.value.flatMap { $0.isSymbolic ? nil : $0 }
        read = original.read
        producer = original.producer
    }

    /// An integer argument, recorded as TensorFlow records it (a `Const` of `DT_INT32`) and
    /// kept exact for the op: `[n]` values, a scalar, or the values under `shape` (a pad's
    /// `[rank, 2]`). `producer` is the `Const` node that holds it, when there is one (an
    /// imported graph's).
    init(_ argument: String, integers: [Int], scalar: Bool = false, shape: [Int]? = nil, producer: Producer? = nil) {
        self.argument = argument
        let tensor = Tensor(uncheckedShape: shape ?? (scalar ? [] : [integers.count]), scalars: integers.map(Float.init))
        value = tensor
        self.shape = tensor.shape
        read = nil
        self.producer = producer
        self.integers = integers
    }

    /// The integer values of this argument: exact when it was made from integers, else its
    /// values when each is a whole number that fits in `Int`.
    func integerValues(op: String) throws -> [Int] {
        try integers ?? wholeNumbers(value!.scalars, op: op, argument: argument)
    }

    /// The output of an op computed fused into this one: only its edge is recorded.
    init(_ argument: String, fusedOutputOf producer: Producer?, shape: [Int]) {
        self.argument = argument
        value = nil
        self.shape = shape
        read = nil
        self.producer = producer
        integers = nil
    }
}

/// An op between taking its name and being recorded.
///
/// Creating one takes the op's unique name under the current name scope — and the names of
/// the `ReadVariableOp` and `Const` nodes TensorFlow makes for its inputs — before anything is
/// computed, so an op that then fails has used up its name, as in TensorFlow. `finish` records
/// it and stamps the output with its producer. When the graph does not record, neither step
/// touches the graph's namespace.
struct PendingOperation {
    let type: String
    let inputs: [OpInput]
    let graph: Graph
    let record: (name: String, arguments: [GraphOperation.Input])?
    let attributes: [String: GraphOperation.AttributeValue]

    /// - Parameters:
    ///   - type: the `NodeDef` op type (`"AddV2"`).
    ///   - name: the name to make unique, when it differs from the type (`"add"`).
    ///   - exactName: take `name` exactly, outside any name scope (an op imported from a
    ///     GraphDef); `record` is nil when an op of that name exists.
    init(_ type: String, name: String? = nil, _ inputs: [OpInput],
         attributes: [String: GraphOperation.AttributeValue] = [:], exactName: Bool = false) {
        let context = ScopeContext.current
        let graph = context.graph
        self.type = type
        self.inputs = inputs
        self.graph = graph
        self.attributes = attributes
        let base = name ?? type
        record = graph.state.withLock { state in
            guard state.recordsOperations else { return nil }
            let opName: String
            if exactName {
                guard state.reserveExactName(base) else { return nil }
                opName = base
            } else {
                opName = state.uniqueName(context.qualified(base))
            }
            let arguments = inputs.map { input -> GraphOperation.Input in
                if let variable = input.variable {
                    return .init(node: state.uniqueName(opName + "/ReadVariableOp"),
                                 source: .variableRead(variable: variable.name), shape: input.shape)
                }
                if let producer = input.producer, producer.graphID == graph.id {
                    return .init(node: producer.node,
                                 source: producer.readOf.map { .variableRead(variable: $0) } ?? .operation,
                                 shape: input.shape)
                }
                return .init(node: state.uniqueName(opName + "/" + input.argument), source: .constant, shape: input.shape)
            }
            if let observer = state.valueObserver {
                for (input, argument) in zip(inputs, arguments) where argument.source != .operation {
                    if let value = input.value { observer(argument.node, value) }
                }
            }
            // An eager op on variables keeps its small constants, so a Session can run it again.
            state.noteVariableInputs(of: opName, arguments, values: inputs.map(\.value))
            return (opName, arguments)
        }
    }

    /// The values of the inputs, in argument order (fused inputs excluded).
    var values: [Tensor] { inputs.compactMap(\.value) }

    /// Records the op with outputs of `shapes`; returns the producer of each output (nil when
    /// the graph does not record).
    @discardableResult
    func finish(outputShapes shapes: [[Int]], values: [Tensor]? = nil) -> [Producer?] {
        guard let record else { return shapes.map { _ in nil } }
        let operation = GraphOperation(
            name: record.name, type: type, arguments: record.arguments, outputShapes: shapes, attributes: attributes,
            graphID: graph.id)
        // Output k is the edge `name:k`, as a NodeDef's input lists it (`name` for the first).
        let edges = shapes.indices.map { $0 == 0 ? record.name : "\(record.name):\($0)" }
        graph.state.withLock { state in
            state.operations.append(operation)
            if let observer = state.valueObserver, let values {
                for (edge, value) in zip(edges, values) { observer(edge, value) }
            }
        }
        return edges.map { Producer(graphID: graph.id, node: $0, readOf: nil) }
    }

    /// Records the op with an output of `shape`; returns the producer to stamp on it.
    @discardableResult
    func finish(outputShape shape: [Int]) -> Producer? {
        finish(outputShapes: [shape])[0]
    }

    /// Records the op and returns `outputs`, each stamped with its producer.
    func finish(_ outputs: [Tensor]) -> [Tensor] {
        let producers = finish(outputShapes: outputs.map(\.shape), values: outputs)
        return zip(outputs, producers).map { output, producer in
            var stamped = output
            stamped.producer = producer
            return stamped
        }
    }

    /// Records a one-output op and returns `output` stamped with it as producer.
    func finish(_ output: Tensor) -> Tensor {
        finish([output])[0]
    }
}

/// Runs one op the only way ops run: takes its name, checks the arguments as given
/// (`validate`, for messages that quote them), computes through the op type's `OpDefinition`,
/// records. Returns the first output.
func runOperation(
    _ type: String, name: String? = nil, _ inputs: [OpInput], attributes: Attributes = [:],
    validate: (([Tensor]) throws -> Void)? = nil
) throws -> Tensor {
    try runOperationOutputs(type, name: name, inputs, attributes: attributes, validate: validate)[0]
}

/// `runOperation` for an op with several outputs: all of them, each stamped as `name:k`.
func runOperationOutputs(
    _ type: String, name: String? = nil, _ inputs: [OpInput], attributes: Attributes = [:],
    validate: (([Tensor]) throws -> Void)? = nil
) throws -> [Tensor] {
    let op = PendingOperation(type, name: name, inputs, attributes: attributes)
    if op.hasSymbolicInput {
        return try op.finishSymbolic(outputShapes: OpRegistry.symbolicOutputShapes(type, op.inputs, attributes))
    }
    try validate?(op.values)
    return op.finish(try OpRegistry.execute(type, op.inputs, attributes))
}

/// `runOperation` for ops that cannot fail on any input they are given: an output the shape of
/// an input (which fits, as the input does) and nothing else to check — a unary op, a tensor
/// and a number.
func runInfallibleOperation(_ type: String, name: String? = nil, _ inputs: [OpInput], attributes: Attributes = [:]) -> Tensor {
    do {
        return try runOperation(type, name: name, inputs, attributes: attributes)
    } catch {
        preconditionFailure("internal: \(type) failed: \(error)")
    }
}

/// An op's attributes: TensorFlow's `NodeDef` attributes, as typed values.
typealias Attributes = [String: GraphOperation.AttributeValue]

extension Dictionary where Key == String, Value == GraphOperation.AttributeValue {
    /// `T: DT_FLOAT`, the attribute every float op carries.
    static var float32: Self { ["T": .type("DT_FLOAT")] }

    /// `T: DT_FLOAT` and `more`.
    static func float32(_ more: Self) -> Self { more.merging(float32) { a, _ in a } }
}
