import TensorScopeKernels
import Synchronization

/// A TensorFlow 1.x graph, reduced to what naming and sharing need: one namespace for op,
/// name-scope and variable names, the variables created in it, and a record of every op run
/// while it is the default.
///
/// Make a graph the default for a block with `asDefault`; outside any such block the
/// process-wide default graph (`Graph.current`, replaced by `resetDefaultGraph()`) is used.
/// All state is behind one lock, so several tasks may use one graph at once.
public final class Graph: Sendable {
    struct State {
        /// TF's `_names_in_use`: lower-cased full name → how often it was asked for.
        var namesInUse: [String: Int] = [:]
        /// Names taken exactly, by ops imported from a GraphDef.
        var exactNames: Set<String> = []
        var operations: [GraphOperation] = []
        /// The variable store, keyed by `getVariable`'s full name.
        var store: [String: Variable] = [:]
        var globalVariables: [Variable] = []
        var trainableVariables: [Variable] = []
        /// TF's `variable_scopes_count`, for unique default scope names.
        var variableScopeCounts: [String: Int] = [:]
        var recordsOperations = true
        /// Values `getVariable` uses instead of an initializer (`setInitialValues`).
        var initialValues: [String: Tensor] = [:]
        /// The graph-level seed (`randomSeed`).
        var randomSeed: Int?
        /// Handed every value an op reads from outside the record (a constant, a variable's
        /// read) and every op's output, under its node name: for tests that replay the record.
        var valueObserver: (@Sendable (String, Tensor) -> Void)?
        /// The values a `Session` needs that are not in the record: each `Const` node an op with a
        /// symbolic input read (a plain tensor argument), and each eagerly computed tensor such an
        /// op read (kept as the value it had then), and the small constants (up to
        /// `keptConstantLimit` elements) of eager ops on variables, which a `Session` runs again.
        /// Other eager ops keep none.
        var constants: [String: Tensor] = [:]
        /// The ops computed from variables alone (`isComputedFromVariables`), by name.
        var computedFromVariables: Set<String> = []
        /// `addToCollection`'s collections (the variable collections are kept above).
        var collections: [String: [any Sendable]] = [:]
    }

    let state = Mutex(State())
    /// Held for writing while `restoreVariables` swaps values; see `readingVariables`.
    let valuesLock = VariableValuesLock()
    /// Tells graphs apart in tensors' producers (`Producer.graphID`) without keeping them alive.
    let id: UInt64 = Graph.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    private static let nextID = Atomic<UInt64>(1)
    /// The root variable scope: name `""`, reuse off until `reuseVariables()` is called on it.
    let rootScope = VariableScope(name: "", reuse: .inherit, initializer: nil, originalNameScope: "")

    /// An empty graph.
    public init() {}

    /// Every op run while this graph was the default, in order.
    public var operations: [GraphOperation] { state.withLock { $0.operations } }

    /// Whether ops are appended to `operations` (and take a name in the namespace). On by
    /// default; switch it off for long loops of forward passes, where the record would grow
    /// by a few hundred bytes per op. While it is off, name scopes take no names either (they
    /// would name nothing), so a program that opens scopes per pass keeps a flat memory
    /// footprint; variables are still named, and made unique, as always.
    public var recordsOperations: Bool {
        get { state.withLock { $0.recordsOperations } }
        set { state.withLock { $0.recordsOperations = newValue } }
    }

    /// The graph-level seed, as `tf.set_random_seed`: `getVariable` gives an initializer that
    /// has no seed of its own a seed derived from this one and the variable's full name, so a
    /// program's unseeded variables are the same on every run (and do not depend on the order
    /// in which they are created). Nil (the default): unseeded initializers draw fresh values.
    public var randomSeed: Int? {
        get { state.withLock { $0.randomSeed } }
        set { state.withLock { $0.randomSeed = newValue } }
    }

    /// Variables created in this graph, in creation order (`tf.global_variables()`).
    public var globalVariables: [Variable] { state.withLock { $0.globalVariables } }

    /// Trainable variables, in creation order (`tf.trainable_variables()`).
    public var trainableVariables: [Variable] { state.withLock { $0.trainableVariables } }

    /// The variable `getVariable` created under `fullName`, if any.
    public func variable(named fullName: String) -> Variable? {
        state.withLock { $0.store[fullName] }
    }

    var rootContext: ScopeContext {
        ScopeContext(graph: self, nameStack: "", variableScope: rootScope)
    }

    /// What `asDefault` binds: the scopes this graph is in within the enclosing blocks (TF keeps
    /// a graph's name and variable scopes per graph, so making it the default again — even from
    /// inside another graph's block — resumes them), else its root; and the enclosing graphs'
    /// scopes, remembered for when they are made the default again inside.
    private var defaultBinding: (context: ScopeContext, suspended: [ObjectIdentifier: ScopeContext]) {
        var suspended = ScopeContext.suspended
        if let bound = ScopeContext.bound { suspended[ObjectIdentifier(bound.graph)] = bound }
        let context = suspended[ObjectIdentifier(self)] ?? rootContext
        return (context, suspended)
    }

    /// Runs `body` with this graph as the default (`with g.as_default():`). The first time,
    /// `body` starts at this graph's root name and variable scope; made the default again inside
    /// an enclosing block of this graph (directly, or inside another graph's block), it resumes
    /// the scopes that block was in, as TensorFlow does. The binding is task-local: other tasks
    /// are not affected, and child tasks started inside inherit it.
    @discardableResult
    public func asDefault<R>(_ body: () throws -> R) rethrows -> R {
        let (context, suspended) = defaultBinding
        return try ScopeContext.$suspended.withValue(suspended) {
            try ScopeContext.$bound.withValue(context, operation: body)
        }
    }

    /// `asDefault` for asynchronous work.
    @discardableResult
    public func asDefault<R>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
    ) async rethrows -> R {
        let (context, suspended) = defaultBinding
        return try await ScopeContext.$suspended.withValue(suspended, operation: {
            try await ScopeContext.$bound.withValue(context, operation: body, isolation: isolation)
        }, isolation: isolation)
    }

    /// The default graph in effect: the innermost `asDefault`, else the process-wide one.
    public static var current: Graph { ScopeContext.current.graph }

    private static let processDefaultGraph = Mutex(Graph())

    static var processDefault: Graph { processDefaultGraph.withLock { $0 } }

    /// Replaces the process-wide default graph with an empty one, as
    /// `tf.reset_default_graph()`. Graphs made default with `asDefault` are not affected.
    static func resetProcessDefault() {
        processDefaultGraph.withLock { $0 = Graph() }
    }
}

/// Replaces the process-wide default graph with a new, empty one (`tf.reset_default_graph()`).
public func resetDefaultGraph() {
    Graph.resetProcessDefault()
}
