import TensorScopeKernels
import Synchronization

/// Runs a graph's recorded ops, as `tf.compat.v1.Session`: build the graph once with
/// `placeholder`s, then `run` it on fed tensors as often as needed.
///
/// ```swift
/// let graph = Graph()
/// let (images, logits) = try graph.asDefault {
///     let images = try placeholder(shape: [nil, 8, 8, 1], name: "images")
///     return (images, try digitsCNN(images))
/// }
/// let session = try Session(graph: graph)
/// let out = try session.run(logits, feeds: ["images": batch])
/// ```
///
/// `run` computes only the ops its fetches need, reading the variables' values as they are when
/// it runs (a restore between runs is seen). The first run for a set of fetches and feed shapes
/// compiles a plan — the steps in order, a convolution or matrix product fused with the bias
/// and activation after it, every intermediate tensor at an offset planned by liveness in one
/// arena — which later runs with the same shapes reuse; an unknown (`nil`) batch dimension
/// takes any size. Runs from several tasks at once are safe and give what serial runs give
/// (each run in flight has an arena of its own).
///
/// A session sees the ops recorded before it was made; ops recorded later need a new session.
/// Running adds nothing to `graph.operations`.
public final class Session: Sendable {
    /// The graph this session runs.
    public let graph: Graph
    let program: Program
    private let plans = Mutex<[PlanKey: CompiledPlan]>([:])

    private struct PlanKey: Hashable {
        let fetches: [String]
        let feedShapes: [String: [Int]]

        /// The fed shapes' sizes only, summed so the dictionary's order does not matter: keys
        /// are looked up on every run, and hashing the names (a hasher per dictionary entry)
        /// cost more than a small net's pooling. Keys that differ only in names are told apart by `==`.
        func hash(into hasher: inout Hasher) {
            hasher.combine(fetches.count)
            var sum = 0
            for shape in feedShapes.values {
                var entry = shape.count
                for size in shape { entry = entry &* 31 &+ size }
                sum = sum &+ entry
            }
            hasher.combine(sum)
        }
    }

    /// A session for the ops recorded in `graph` so far.
    public init(graph: Graph) throws {
        self.graph = graph
        program = Program(graph)
    }

    /// The value of `fetch` with `feeds` given for the placeholders it needs
    /// (`sess.run(fetch, feed_dict)`).
    ///
    /// - Parameters:
    ///   - fetch: the tensor to compute: an op's output in this session's graph (a tensor with
    ///     values is returned as it is).
    ///   - feeds: tensors keyed by placeholder name, `"images"` or `"images:0"`.
    /// - Throws: `.invalidArgument` naming the placeholder, feed key or tensor — a placeholder
    ///   the fetch needs that is not fed, a key that names no placeholder of the graph, a fed
    ///   shape that does not fit the placeholder's, a fetch from another graph or recorded after
    ///   the session was made — and what the ops throw.
    public func run(_ fetch: Tensor, feeds: [String: Tensor] = [:]) throws -> Tensor {
        try run([fetch], feeds: feeds)[0]
    }

    /// The values of `fetches`, in order, computed in one run.
    public func run(_ fetches: [Tensor], feeds: [String: Tensor] = [:]) throws -> [Tensor] {
        var edges: [String] = []
        for fetch in fetches where fetch.isSymbolic {
            guard let producer = fetch.producer, producer.graphID == program.graphID else {
                throw TensorScopeError.invalidArgument(
                    "Session.run", expected: "fetches from this session's graph",
                    got: "\(fetch.opName.map { "'\($0)'" } ?? "a tensor") from another graph")
            }
            guard program.resolve(edge: producer.node) != nil else {
                throw TensorScopeError.invalidArgument(
                    "Session.run", expected: "fetches recorded before the Session was made",
                    got: "'\(producer.node)', recorded after (make a new Session to run it)")
            }
            edges.append(producer.node)
        }
        let fed = try resolve(feeds)
        guard !edges.isEmpty else { return fetches }
        let plan = try compiledPlan(fetches: edges, feedShapes: fed.mapValues(\.shape))
        let computed = try graph.readingVariables { try plan.run(feeds: fed) }
        var next = computed.makeIterator()
        return fetches.map { $0.isSymbolic ? next.next()! : $0 }
    }

    /// What the plan for these fetches and feed shapes holds: its steps (each the names of the
    /// ops it computes in one pass) and the bytes of its arena, with and without sharing.
    public func planSummary(_ fetches: [Tensor], feedShapes: [String: [Int]]) throws -> PlanSummary {
        let edges = fetches.compactMap { $0.isSymbolic ? $0.producer?.node : nil }
        var shapes: [String: [Int]] = [:]
        for (key, shape) in feedShapes { shapes[try placeholder(fedBy: key).name] = shape }
        let plan = try compiledPlan(fetches: edges, feedShapes: shapes).plan
        return PlanSummary(steps: plan.steps.map { $0.leading + $0.names }, arenaBytes: plan.memory.arenaBytes,
                           unsharedBytes: plan.memory.unsharedBytes)
    }

    /// A compiled plan, as `planSummary` reports it.
    public struct PlanSummary: Sendable {
        /// One entry per kernel call, in order: the recorded ops it computes (several when fused).
        public let steps: [[String]]
        /// The bytes of the arena that holds every intermediate tensor of a run.
        public let arenaBytes: Int
        /// What the intermediates would take with a buffer each.
        public let unsharedBytes: Int
    }

    /// How many plans are compiled, and how many arenas their pools hold (for tests of reuse).
    var cacheCounts: (plans: Int, arenas: Int) {
        plans.withLock { plans in (plans.count, plans.values.reduce(0) { $0 + $1.pooledArenas }) }
    }

    /// The feeds by placeholder name, checked against the placeholders' shapes.
    private func resolve(_ feeds: [String: Tensor]) throws -> [String: Tensor] {
        var resolved: [String: Tensor] = [:]
        // In key order, so the feed an error names is the same on every run; one feed (the
        // common case, on every run) needs no sorted copy.
        func add(_ key: String, _ value: Tensor) throws {
            let placeholder = try placeholder(fedBy: key)
            guard resolved[placeholder.name] == nil else {
                throw TensorScopeError.invalidArgument(
                    "Session.run", expected: "one feed per placeholder", got: "placeholder '\(placeholder.name)' fed twice")
            }
            guard !value.isSymbolic else {
                throw TensorScopeError.invalidArgument(
                    "Session.run", expected: "a tensor with values for feed '\(key)'", got: "a symbolic tensor")
            }
            let declared = placeholder.outputShape
            guard value.shape.count == declared.count,
                  zip(value.shape, declared).allSatisfy({ $1 < 0 || $0 == $1 }) else {
                throw TensorScopeError.invalidArgument(
                    "Session.run",
                    expected: "a tensor of shape [\(declared.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", "))] for placeholder '\(placeholder.name)' (feed '\(key)')",
                    got: "shape \(value.shape)")
            }
            resolved[placeholder.name] = value
        }
        if feeds.count == 1 {
            for (key, value) in feeds { try add(key, value) }
        } else {
            for (key, value) in feeds.sorted(by: { $0.key < $1.key }) { try add(key, value) }
        }
        return resolved
    }

    /// The placeholder a feed key names (`"images"` or `"images:0"`).
    private func placeholder(fedBy key: String) throws -> GraphOperation {
        guard let index = program.placeholder(forFeed: key) else {
            throw TensorScopeError.invalidArgument(
                "Session.run", expected: "feeds keyed by placeholders of this graph",
                got: "feed '\(key)', which names no placeholder")
        }
        return program.operations[index]
    }

    private func compiledPlan(fetches: [String], feedShapes: [String: [Int]]) throws -> CompiledPlan {
        let key = PlanKey(fetches: fetches, feedShapes: feedShapes)
        if let plan = plans.withLock({ $0[key] }) { return plan }
        let plan = try CompiledPlan(try ExecutionPlan(program, fetches: fetches, feedShapes: feedShapes))
        return plans.withLock { plans in
            if let existing = plans[key] { return existing }
            plans[key] = plan
            return plan
        }
    }
}
