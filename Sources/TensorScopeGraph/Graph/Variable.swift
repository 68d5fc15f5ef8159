import Synchronization
import TensorScopeKernels

/// A named, mutable tensor owned by a graph, as `tf.Variable`.
///
/// A reference type: sharing a variable means holding the same object, so
/// `getVariable` under reuse returns `===` the variable it first created. Pass it to any op
/// in place of a tensor; the op reads its current value.
public final class Variable: Sendable, TensorConvertible, CustomStringConvertible {
    /// The full name without TF's `:0` output suffix, e.g. `"image_filters/conv1/weights"` —
    /// the variable's key in checkpoints and the node TensorBoard shows.
    public let name: String

    /// The name as TensorFlow's `v.name` spells it, with the output suffix:
    /// `"image_filters/conv1/weights:0"`.
    public var tensorName: String { name + ":0" }
    /// Whether the variable is listed by `trainableVariables()`.
    public let trainable: Bool
    /// The value and its version (bumped by every `assign`), read together so a packed
    /// filter can be matched to the value it was made from.
    private let storage: Mutex<Snapshot>
    /// The value prepared for the kernels (packed filters), when a convolution used it as a filter.
    private let prepared = PreparedWeights()

    /// The shape, fixed at creation.
    public let shape: [Int]
    /// Where a fresh value comes from when an initializer op runs (`globalVariablesInitializer`).
    let initialization: Initialization

    /// How a variable gets a fresh value, as TensorFlow's initializer op for it computes one.
    enum Initialization: Sendable {
        /// Drawn again from this initializer (its seed, if any, resolved at creation).
        case initializer(Initializer)
        /// This value again: `Variable(_:)`'s initial value, or `setInitialValues`'s.
        case value(Tensor)
    }

    init(name: String, value: Tensor, trainable: Bool, initialization: Initialization? = nil) {
        self.name = name
        self.trainable = trainable
        var initial = value
        initial.producer = nil
        self.initialization = initialization ?? .value(initial)
        self.shape = value.shape
        var stored = value
        stored.producer = nil  // a variable's value is not the output of whatever op computed it
        self.storage = Mutex(Snapshot(value: stored, version: 0))
    }

    /// A variable named under the current name scope and made unique (`b`, `b_1`, …), as
    /// `tf.Variable(initial_value, name=…)`; `reuse` plays no part. Added to the default graph's
    /// global (and, when `trainable`, trainable) variables.
    ///
    /// - Throws: `.invalidName` with TensorFlow's words (`'a b' is not a valid root scope
    ///   name. …`) for a name TensorFlow rejects, as `nameScope` does; no variable is created.
    public convenience init(_ initialValue: Tensor, name: String? = nil, trainable: Bool = true) throws {
        try initialValue.requireValues("Variable")
        let context = ScopeContext.current
        let graph = context.graph
        // TensorFlow names a variable by opening a name scope of its name: validated, made
        // unique under the current name scope, or taken as is when it ends in "/".
        let requested = (name ?? "").isEmpty ? "Variable" : name!
        let unique = try graph.openNameScope(requested, under: context.nameStack, always: true).stack
        self.init(name: unique, value: initialValue, trainable: trainable)
        graph.state.withLock { $0.append(self) }
    }

    /// The current value.
    public var value: Tensor { storage.withLock { $0.value } }

    /// A value and its version, read at once. Made by `assign`, then only read: a class, so a
    /// run passes each variable's snapshot from op to op as one reference, where a `Tensor` (or
    /// a tuple holding one, copied through the runtime's generic value witnesses) is four.
    final class Snapshot: Sendable {
        let value: Tensor
        let version: UInt64

        init(value: Tensor, version: UInt64) {
            (self.value, self.version) = (value, version)
        }
    }

    /// The value and its version, read at once.
    var snapshot: Snapshot { storage.withLock { $0 } }

    /// `value` prepared in `layout` for `isa`'s kernels by `make`, made at most once per version
    /// of the value: a convolution that reads this variable as its filter reuses it until
    /// `assign` changes the value. `snapshot` is what the caller read; when the variable has
    /// moved on since, the snapshot is prepared for this call only.
    func prepared(
        _ snapshot: Snapshot, _ layout: WeightLayout, isa: KernelISA?,
        make: (UnsafePointer<Float>) -> PackedFilter
    ) -> PackedFilter {
        prepared.packed(layout, isa: isa, version: snapshot.version, currentVersion: { storage.withLock { $0.version } }) {
            snapshot.value.withUnsafeBufferPointer { make($0.baseAddress!) }
        }
    }

    public var tensorValue: Tensor { value }

    /// The value as a tensor produced by a `ReadVariableOp` named under the current name
    /// scope, as TensorFlow reads a variable outside an op (`v + t` evaluates `v.value()`
    /// before `add` opens its scope). Takes no name when the graph does not record.
    func read() -> Tensor {
        var tensor = value
        let context = ScopeContext.current
        let graph = context.graph
        tensor.producer = graph.state.withLock { state in
            guard state.recordsOperations else { return nil }
            let node = state.uniqueName(context.qualified("ReadVariableOp"))
            state.valueObserver?(node, tensor)
            return Producer(graphID: graph.id, node: node, readOf: name)
        }
        return tensor
    }

    /// A fresh value from the variable's initializer (see `Initialization`).
    func freshValue() throws -> Tensor {
        switch initialization {
        case .initializer(let initializer): try initializer.tensor(shape: shape)
        case .value(let value): value
        }
    }

    /// Replaces the value, as `v.assign(t)`.
    ///
    /// - Throws: `.invalidArgument` when `newValue` has another shape.
    public func assign(_ newValue: Tensor) throws {
        try newValue.requireValues("assign")
        guard newValue.shape == shape else {
            throw TensorScopeError.invalidArgument(
                "assign", expected: "a value of shape \(shape) for variable \(name)", got: "shape \(newValue.shape)")
        }
        var stored = newValue
        stored.producer = nil
        storage.withLock { $0 = Snapshot(value: stored, version: $0.version &+ 1) }
        prepared.removeAll()
    }

    /// As TensorFlow prints it: `<Variable 'image_filters/conv1/weights:0' shape=(5, 5, 32, 32) dtype=float32>`.
    public var description: String {
        "<Variable '\(name):0' shape=\(Variable.pythonTuple(shape)) dtype=float32>"
    }

    /// Python's tuple spelling: `()`, `(3,)`, `(5, 5, 3, 32)`.
    static func pythonTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

extension Graph.State {
    /// Adds a new variable to the collections: global always, trainable when it is.
    mutating func append(_ variable: Variable) {
        globalVariables.append(variable)
        if variable.trainable { trainableVariables.append(variable) }
    }
}
