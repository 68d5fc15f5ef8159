import TensorScopeKernels
import Synchronization

/// A compiled plan made ready to run many times (XNNPACK's create / setup split): every value's
/// location resolved once — an arena offset, a fetched buffer, a constant copied into storage of
/// the plan's own, or a tensor pinned for the run (a feed, a variable's value) — so a run is a
/// loop over steps with no lookups; and a pool of arenas (one per run in flight, kept for the
/// next run).
final class CompiledPlan: @unchecked Sendable {
    let plan: ExecutionPlan

    /// Where a value's floats are during a run.
    private enum Location {
        case arena(byteOffset: Int)
        case fetched(slot: Int)
        case constant(Int)
        case pinned(Int)
    }

    private struct Operand {
        let location: Location
        let shape: [Int]
        let count: Int
        /// Index in `pinned` of the variable whose value this is (for packed filters).
        let variable: Int?
        /// For a constant convolution filter: the holder that keeps its packed forms, so they
        /// are packed once per plan, not once per run.
        var constantFilter: VariableRead? = nil
        /// For a filter with a fold (a batch norm, a scale): the fold, whose holder keeps the packed forms.
        var foldedFilter: Int? = nil
    }

    /// One input of a filter fold: a constant, or the run's snapshot of a pinned variable.
    private enum FoldInput {
        case constant(Tensor)
        case variable(Int)
    }

    /// A fold's values for one set of its inputs' versions; the filter's holder keeps its packed
    /// forms for as long as they are current.
    private struct FoldedValues: @unchecked Sendable {
        let versions: [UInt64]
        /// The folded filter, held by a variable that keeps its packed forms, as a convolution reads it.
        let read: VariableRead
        let shift: Tensor
    }

    /// A class, not a struct: a run's loop over the steps would copy a struct, retaining and
    /// releasing each of its arrays and closures per step (9 % of a small net's run).
    private final class PreparedStep {
        let step: ExecutionPlan.Step
        let inputs: [Operand]
        let outputs: [Operand]
        let bias: Operand?
        let slopes: Operand?
        /// For a step whose op applies the epilogue in its own pass (a convolution): that
        /// computation, prepared when the plan was compiled.
        let fused: FusedCompute?
        /// The op's own computation, prepared for these shapes.
        let compute: PreparedCompute
        /// For a step with a chain of element-wise ops: how it runs, a chunk of rows at a time.
        let chunks: ChunkedChain?

        init(step: ExecutionPlan.Step, inputs: [Operand], outputs: [Operand], bias: Operand?, slopes: Operand?,
             fused: FusedCompute?, compute: @escaping PreparedCompute, chunks: ChunkedChain?) {
            (self.step, self.inputs, self.outputs, self.bias, self.slopes) = (step, inputs, outputs, bias, slopes)
            (self.fused, self.compute, self.chunks) = (fused, compute, chunks)
        }
    }

    /// An element-wise step and the ops chained after it, run over chunks of `rowsPerChunk` rows
    /// of `columns` (the output's last axis) spread over the workers: each chunk goes through
    /// every op while it is in cache. Each op is prepared for a whole chunk and for the last one.
    private struct ChunkedChain {
        /// One op of the chain: each input chunked along with the output, or read whole (a
        /// scalar, a `[C]` vector); for ops after the first, `nil` marks the previous op's output.
        struct Link {
            let inputs: [(operand: Operand?, chunked: Bool)]
            let full: PreparedCompute
            let tail: PreparedCompute?
        }
        let links: [Link]
        let columns: Int
        let rows: Int
        let rowsPerChunk: Int
    }

    private let steps: [PreparedStep]
    /// The constants' floats: written once here, then only read.
    private let constants: [UnsafeMutableBufferPointer<Float>]
    /// What each run pins, in order: the variables (read when the run starts), then the feeds.
    private let pinnedVariables: [Variable]
    private let pinnedFeeds: [String]
    /// Each fetch: its slot (computed into a buffer of its own), or the operand to copy out.
    private let fetches: [(slot: Int?, operand: Operand)]
    private let slotCounts: [Int]
    private let arenas = Mutex<[Arena]>([])
    /// Each filter fold's inputs (`ExecutionPlan.FilterFold.inputs` order) and its values
    /// for the latest versions seen.
    private let foldInputs: [[FoldInput]]
    private let foldedValues: Mutex<[FoldedValues?]>

    /// An arena's memory, handed between runs under the pool's lock.
    private struct Arena: @unchecked Sendable { let bytes: UnsafeMutableRawPointer }

    init(_ plan: ExecutionPlan) throws {
        self.plan = plan
        var constants: [UnsafeMutableBufferPointer<Float>] = []
        var variables: [Variable] = [], feeds: [String] = []
        var locations: [Int: Location] = [:]
        var variableIndex: [Int: Int] = [:]
        for (id, value) in plan.values.enumerated() {
            switch value.source {
            case .constant(let tensor):
                let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, tensor.scalarCount))
                _ = tensor.withUnsafeBufferPointer { buffer.initialize(from: $0) }
                locations[id] = .constant(constants.count)
                constants.append(buffer)
            case .variable(let variable):
                variableIndex[id] = variables.count
                variables.append(variable)
            case .feed, .computed, .alias, .folded:
                break
            }
        }
        for (id, value) in plan.values.enumerated() {
            if case .feed(let name) = value.source {
                locations[id] = .pinned(variables.count + feeds.count)
                feeds.append(name)
            }
        }
        for (id, index) in variableIndex { locations[id] = .pinned(index) }
        // Folded values are pinned after the feeds: each fold's filter, then its shift.
        for (id, value) in plan.values.enumerated() {
            if case .folded(let fold, let filter) = value.source {
                locations[id] = .pinned(variables.count + feeds.count + 2 * fold + (filter ? 0 : 1))
            }
        }
        foldInputs = plan.folds.map { fold in
            fold.inputs.map { id in
                if case .constant(let tensor) = plan.values[id].source { return .constant(tensor) }
                return .variable(variableIndex[id]!)
            }
        }
        foldedValues = Mutex(Array(repeating: nil, count: plan.folds.count))
        for (id, offset) in plan.memory.offsets { locations[id] = .arena(byteOffset: offset) }
        for (id, slot) in plan.memory.fetchSlots { locations[id] = .fetched(slot: slot) }
        func operand(_ id: Int) -> Operand {
            let root = plan.root(of: id)
            return Operand(location: locations[root]!, shape: plan.values[id].shape, count: plan.values[id].count,
                           variable: variableIndex[root])
        }
        func chunked(_ step: ExecutionPlan.Step) throws -> ChunkedChain? {
            guard !step.chain.isEmpty else { return nil }
            let shape = plan.values[step.outputs[0]].shape
            let columns = max(1, shape.last ?? 1)
            let rows = shape.reduce(1, *) / columns
            let rowsPerChunk = max(1, min(rows, 8192 / columns))
            let links = try zip([step] + step.chain, [nil] + step.chainValues.map(Optional.some)).map { op, previous -> ChunkedChain.Link in
                let inputs = op.inputs.map { id -> (operand: Operand?, chunked: Bool) in
                    if id == previous { return (nil, true) }
                    return (operand(id), plan.values[id].shape == shape)
                }
                func prepared(_ rows: Int) throws -> PreparedCompute {
                    try op.definition.prepared(
                        for: op.inputs.map { plan.values[$0].shape == shape || $0 == previous ? [rows, columns] : plan.values[$0].shape },
                        op.attributes)
                }
                let tailRows = rows % rowsPerChunk
                return ChunkedChain.Link(inputs: inputs, full: try prepared(rowsPerChunk),
                                         tail: tailRows == 0 ? nil : try prepared(tailRows))
            }
            return ChunkedChain(links: links, columns: columns, rows: rows, rowsPerChunk: rowsPerChunk)
        }
        // Constant filters (an imported graph's weights) get a holder each, whose packed forms are
        // cached as a variable's are.
        var filterHolders: [Int: VariableRead] = [:]
        for step in plan.steps where step.definition.prepareFused != nil && step.inputs.count == 2 {
            let root = plan.root(of: step.inputs[1])
            if filterHolders[root] == nil, case .constant(let tensor) = plan.values[root].source {
                filterHolders[root] = VariableRead(holding: tensor, name: "Const")
            }
        }
        func input(_ id: Int) -> Operand {
            var operand = operand(id)
            operand.constantFilter = filterHolders[plan.root(of: id)]
            if case .folded(let fold, true) = plan.values[plan.root(of: id)].source { operand.foldedFilter = fold }
            return operand
        }
        steps = try plan.steps.map { step in
            let shapes = step.inputs.map { plan.values[$0].shape }
            return PreparedStep(
                step: step, inputs: step.inputs.map(input), outputs: step.outputs.map(operand),
                bias: step.epilogue?.bias.map(operand), slopes: step.epilogue?.slopes.map(operand),
                fused: step.epilogue == nil ? nil : try step.definition.prepareFused?(shapes, step.attributes),
                compute: try step.definition.prepared(for: shapes, step.attributes), chunks: try chunked(step))
        }
        fetches = plan.fetched.map { id in (plan.memory.fetchSlots[plan.root(of: id)], operand(id)) }
        slotCounts = (0..<plan.fetched.count).map { slot in
            plan.memory.fetchSlots.first { $0.value == slot }.map { plan.values[$0.key].count } ?? 0
        }
        self.constants = constants
        pinnedVariables = variables
        pinnedFeeds = feeds
    }

    deinit {
        constants.forEach { $0.deallocate() }
        arenas.withLock { $0.forEach { $0.bytes.deallocate() } }
    }

    var pooledArenas: Int { arenas.withLock { $0.count } }

    /// Runs the plan on `feeds` (by placeholder name) and the variables' current values; returns
    /// the fetched tensors in order.
    func run(feeds: [String: Tensor]) throws -> [Tensor] {
        let snapshots = pinnedVariables.map(\.snapshot)
        let folded = currentFolds(snapshots)
        // What `Location.pinned(i)` names: the variables, the feeds, then each fold's filter and shift.
        let feedCount = pinnedFeeds.count
        func pinned(_ i: Int) -> [Float] {
            if i < snapshots.count { return snapshots[i].value.scalars }
            let j = i - snapshots.count
            if j < feedCount { return feeds[pinnedFeeds[j]]!.scalars }
            let fold = folded[(j - feedCount) / 2]
            return (j - feedCount) % 2 == 0 ? fold.read.snapshot.value.scalars : fold.shift.scalars
        }
        let taken = takeArena()
        defer { arenas.withLock { $0.append(taken) } }
        let arena = taken.bytes
        return try withPinned(count: snapshots.count + feedCount + 2 * folded.count, pinned) { pinnedBuffers in
            let (arrays, copies) = try withOutputArrays(slotCounts) { fetchBuffers in
                func pointer(_ operand: Operand) -> UnsafeMutablePointer<Float> {
                    switch operand.location {
                    case .arena(let offset): (arena + offset).assumingMemoryBound(to: Float.self)
                    case .fetched(let slot): fetchBuffers[slot].baseAddress!
                    case .constant(let index): constants[index].baseAddress!
                    case .pinned(let index): UnsafeMutablePointer(mutating: pinnedBuffers[index].baseAddress!)
                    }
                }
                for prepared in steps {
                    if let chain = prepared.chunks {
                        try runChain(chain, output: pointer(prepared.outputs[0]), pointer: pointer)
                        continue
                    }
                    let arguments = prepared.inputs.map { input in
                        KernelArgument(
                            shape: input.shape, data: UnsafeBufferPointer(start: pointer(input), count: input.count),
                            variable: input.variable.map { VariableRead(variable: pinnedVariables[$0], snapshot: snapshots[$0]) }
                                ?? input.constantFilter ?? input.foldedFilter.map { folded[$0].read })
                    }
                    let outputs = prepared.outputs.map { UnsafeMutableBufferPointer(start: pointer($0), count: $0.count) }
                    try execute(prepared, arguments, outputs, bias: prepared.bias.map { UnsafePointer(pointer($0)) },
                                slopes: prepared.slopes.map { UnsafePointer(pointer($0)) })
                }
                // Fetches that are not computed here (a feed, a constant, a variable, or a
                // reshape of one): copied out.
                return fetches.map { fetch in
                    fetch.slot == nil ? Array(UnsafeBufferPointer(start: pointer(fetch.operand), count: fetch.operand.count)) : nil
                }
            }
            return zip(fetches, copies).map { fetch, copy in
                Tensor(uncheckedShape: fetch.operand.shape, scalars: copy ?? arrays[fetch.slot!])
            }
        }
    }

    private func execute(
        _ prepared: PreparedStep, _ arguments: [KernelArgument], _ outputs: [UnsafeMutableBufferPointer<Float>],
        bias: UnsafePointer<Float>?, slopes: UnsafePointer<Float>?
    ) throws {
        let step = prepared.step
        guard let planned = step.epilogue else { return try prepared.compute(arguments, outputs) }
        if let fused = prepared.fused {
            let channels = prepared.outputs[0].shape.last ?? 0
            if step.definition.reportsNonFinite, let bias,
               let problem = Conv2DRunner.nonFiniteBias(UnsafeBufferPointer(start: bias, count: channels), op: step.names[1]) {
                throw problem
            }
            try fused(arguments, outputs[0].baseAddress!,
                      Epilogue(bias: bias, activation: planned.activation, slopes: slopes, maxPool: planned.maxPool),
                      step.names)
        } else {
            try prepared.compute(arguments, outputs)
            let columns = prepared.outputs[0].shape.last ?? 1
            let rows = columns == 0 ? 0 : outputs[0].count / columns
            _ = Epilogue(bias: bias, activation: planned.activation, slopes: slopes, checksFiniteness: false)
                .apply(to: outputs[0].baseAddress!, rows: rows, columns: columns)
        }
    }

    /// Runs a chain of element-wise ops over its chunks, on the workers.
    private func runChain(
        _ chain: ChunkedChain, output: UnsafeMutablePointer<Float>, pointer: (Operand) -> UnsafeMutablePointer<Float>
    ) throws {
        let chunkCount = (chain.rows + chain.rowsPerChunk - 1) / chain.rowsPerChunk
        // Each input's floats, resolved once: chunked ones are offset per chunk.
        let bases = chain.links.map { link in link.inputs.map { $0.operand.map { (pointer($0), $0.count) } } }
        let failure = Mutex<(any Error)?>(nil)
        parallelChunks(count: chunkCount) { c in
            let firstRow = c * chain.rowsPerChunk
            let rows = min(chain.rowsPerChunk, chain.rows - firstRow)
            let (start, count) = (firstRow * chain.columns, rows * chain.columns)
            let out = UnsafeMutableBufferPointer(start: output + start, count: count)
            do {
                for (link, inputs) in zip(chain.links, bases) {
                    let arguments = zip(link.inputs, inputs).map { input, base -> KernelArgument in
                        guard let (floats, total) = base else {
                            return KernelArgument(shape: [rows, chain.columns], data: UnsafeBufferPointer(out))
                        }
                        return input.chunked
                            ? KernelArgument(shape: [rows, chain.columns], data: UnsafeBufferPointer(start: floats + start, count: count))
                            : KernelArgument(shape: input.operand!.shape, data: UnsafeBufferPointer(start: floats, count: total))
                    }
                    try (rows == chain.rowsPerChunk ? link.full : link.tail!)(arguments, [out])
                }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Each fold's values for this run's snapshots: kept from an earlier run while none of the
    /// variables it reads has changed, computed again (and its filter packed again) otherwise.
    private func currentFolds(_ snapshots: [Variable.Snapshot]) -> [FoldedValues] {
        guard !foldInputs.isEmpty else { return [] }
        return foldedValues.withLock { cache in
            for (f, inputs) in foldInputs.enumerated() {
                let versions = inputs.map { input -> UInt64 in
                    if case .variable(let index) = input { return snapshots[index].version }
                    return 0
                }
                if let kept = cache[f], kept.versions == versions { continue }
                let values = inputs.map { input -> Tensor in
                    switch input {
                    case .constant(let tensor): tensor
                    case .variable(let index): snapshots[index].value
                    }
                }
                let filter: [Float], shift: [Float]
                switch plan.folds[f].kind {
                case .batchNorm(let epsilon, let biased):
                    let v = values.map(\.scalars), b = biased ? 1 : 0
                    (filter, shift) = BatchNorm.fold(filter: v[0], bias: biased ? v[1] : nil, scale: v[1 + b], offset: v[2 + b],
                                                     mean: v[3 + b], variance: v[4 + b], epsilon: epsilon)
                case .scale:
                    filter = BatchNorm.scaleChannels(values[0].scalars, by: values[1].scalars)
                    shift = []
                }
                let filterTensor = Tensor(uncheckedShape: values[0].shape, scalars: filter)
                cache[f] = FoldedValues(
                    versions: versions, read: VariableRead(holding: filterTensor, name: "FoldedFilter"),
                    shift: Tensor(uncheckedShape: [shift.count], scalars: shift))
            }
            return cache.map { $0! }
        }
    }

    private func takeArena() -> Arena {
        arenas.withLock { $0.popLast() }
            ?? Arena(bytes: .allocate(byteCount: max(64, plan.memory.arenaBytes), alignment: 64))
    }
}

/// Calls `body` with the storage of `scalars(i)` for every `i` in `0..<count`, each held for the
/// call. The pointers go into a buffer, not a captured array (appending to a captured `var`
/// costs a dynamic exclusivity check), and only the arrays are taken, not their tensors (four
/// retains each): per value per run.
private func withPinned<R>(
    count: Int, _ scalars: (Int) -> [Float], _ body: (UnsafeBufferPointer<UnsafeBufferPointer<Float>>) throws -> R
) rethrows -> R {
    try withUnsafeTemporaryAllocation(of: UnsafeBufferPointer<Float>.self, capacity: count) { buffers in
        func nest(_ i: Int) throws -> R {
            if i == count { return try body(UnsafeBufferPointer(buffers)) }
            return try scalars(i).withUnsafeBufferPointer {
                buffers[i] = $0
                return try nest(i + 1)
            }
        }
        return try nest(0)
    }
}

/// Makes one array per count, uninitialised, and lets `body` fill them all (they become the
/// fetched tensors' storage, so nothing is copied); also returns what `body` returns.
private func withOutputArrays<T>(
    _ counts: [Int], _ body: ([UnsafeMutableBufferPointer<Float>]) throws -> T
) throws -> (arrays: [[Float]], result: T) {
    var buffers: [UnsafeMutableBufferPointer<Float>] = []
    var result: T?
    func nest(_ i: Int) throws -> [[Float]] {
        if i == counts.count {
            result = try body(buffers)
            return []
        }
        var rest: [[Float]] = []
        let array = try [Float](unsafeUninitializedCapacity: counts[i]) { buffer, initialized in
            initialized = counts[i]  // the plan writes every element, or the array is dropped
            buffers.append(buffer)
            rest = try nest(i + 1)
        }
        return [array] + rest
    }
    let arrays = try nest(0)
    return (arrays, result!)
}
