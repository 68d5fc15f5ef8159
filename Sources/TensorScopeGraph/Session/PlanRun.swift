import TensorScopeKernels
import Synchronization

/// A compiled plan and what its runs reuse: the constants copied once into storage of its own,
/// and a pool of arenas (one per run in flight, kept for the next run).
final class CompiledPlan: @unchecked Sendable {
    let plan: ExecutionPlan
    /// The constants' floats, by value id: written once here, then only read.
    private let constants: [Int: UnsafeMutableBufferPointer<Float>]
    private let arenas = Mutex<[Arena]>([])

    /// An arena's memory, handed between runs under the pool's lock.
    private struct Arena: @unchecked Sendable { let bytes: UnsafeMutableRawPointer }

    init(_ plan: ExecutionPlan) {
        self.plan = plan
        var constants: [Int: UnsafeMutableBufferPointer<Float>] = [:]
        for (id, value) in plan.values.enumerated() {
            guard case .constant(let tensor) = value.source else { continue }
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, tensor.scalarCount))
            _ = tensor.withUnsafeBufferPointer { buffer.initialize(from: $0) }
            constants[id] = buffer
        }
        self.constants = constants
    }

    deinit {
        constants.values.forEach { $0.deallocate() }
        arenas.withLock { $0.forEach { $0.bytes.deallocate() } }
    }

    /// Runs the plan on `feeds` (by placeholder name) and the variables' current values; returns
    /// the fetched tensors in order.
    func run(feeds: [String: Tensor]) throws -> [Tensor] {
        // Every variable the steps read, with the version it was read at (for packed filters).
        var snapshots: [Int: (Variable, Tensor, UInt64)] = [:]
        for (id, value) in plan.values.enumerated() {
            if case .variable(let variable) = value.source {
                let (tensor, version) = variable.snapshot
                snapshots[id] = (variable, tensor, version)
            }
        }
        let pinnedIDs = Array(snapshots.keys) + plan.values.indices.filter {
            if case .feed = plan.values[$0].source { true } else { false }
        }
        let pinned: [Tensor] = pinnedIDs.map { id in
            if let snapshot = snapshots[id] { return snapshot.1 }
            guard case .feed(let name) = plan.values[id].source else { preconditionFailure("internal: pinned value") }
            return feeds[name]!
        }
        let taken = takeArena()
        defer { arenas.withLock { $0.append(taken) } }
        let arena = taken.bytes
        let slots = plan.memory.fetchSlots
        let slotCounts = (0..<plan.fetched.count).map { slot in
            slots.first { $0.value == slot }.map { plan.values[$0.key].count } ?? 0
        }
        var results: [Tensor] = []
        try withPinned(pinned) { pinnedBuffers in
            var buffers: [Int: UnsafeBufferPointer<Float>] = [:]
            for (id, buffer) in zip(pinnedIDs, pinnedBuffers) { buffers[id] = buffer }
            let fetchedArrays = try withOutputArrays(slotCounts) { fetchBuffers in
                let pointer = { (id: Int) -> UnsafeMutablePointer<Float> in
                    let root = self.plan.root(of: id)
                    if let slot = slots[root] { return fetchBuffers[slot].baseAddress! }
                    if let offset = self.plan.memory.offsets[root] {
                        return (arena + offset).assumingMemoryBound(to: Float.self)
                    }
                    if let constant = self.constants[root] { return constant.baseAddress! }
                    return UnsafeMutablePointer(mutating: buffers[root]!.baseAddress!)
                }
                for step in plan.steps {
                    try execute(step, pointer: pointer, snapshots: snapshots)
                }
                // Fetches that are not computed here (a feed, a constant, a variable, or a
                // reshape of one): copied out.
                return plan.fetched.enumerated().map { slot, id -> [Float]? in
                    let root = plan.root(of: id)
                    if slots[root] != nil { return nil }
                    return Array(UnsafeBufferPointer(start: pointer(root), count: plan.values[id].count))
                }
            }
            results = plan.fetched.enumerated().map { slot, id in
                let scalars = fetchedArrays.copies[slot] ?? fetchedArrays.arrays[slots[plan.root(of: id)]!]
                return Tensor(uncheckedShape: plan.values[id].shape, scalars: scalars)
            }
        }
        return results
    }

    private func execute(
        _ step: ExecutionPlan.Step, pointer: (Int) -> UnsafeMutablePointer<Float>,
        snapshots: [Int: (Variable, Tensor, UInt64)]
    ) throws {
        let arguments = step.inputs.map { id in
            KernelArgument(
                shape: plan.values[id].shape,
                data: UnsafeBufferPointer(start: pointer(id), count: plan.values[id].count),
                integers: nil,
                variable: snapshots[id].map { ($0.0, $0.1, $0.2) })
        }
        let outputs = step.outputs.map { UnsafeMutableBufferPointer(start: pointer($0), count: plan.values[$0].count) }
        guard let planned = step.epilogue else {
            return try step.definition.compute(arguments, step.attributes, outputs)
        }
        let bias = planned.bias.map { UnsafePointer(pointer($0)) }
        let slopes = planned.slopes.map { UnsafePointer(pointer($0)) }
        switch step.type {
        case "Conv2D":
            let geometry = try Conv2DGeometry(shapes: arguments.map(\.shape), step.attributes)
            if let bias, let i = Finiteness.firstNonFinite(UnsafeBufferPointer(start: bias, count: geometry.n)) {
                throw TensorScopeError.invalidArgument(
                    step.names[1], expected: "finite bias values", got: "\(bias[i]) at index \(i)")
            }
            try Conv2DRunner.compute(
                geometry, input: arguments[0].data, filter: arguments[1],
                epilogue: Epilogue(bias: bias, activation: planned.activation, slopes: slopes),
                op: step.names[0], into: outputs[0].baseAddress!)
        default:
            try step.definition.compute(arguments, step.attributes, outputs)
            let shape = plan.values[step.outputs[0]].shape
            let columns = shape.last ?? 1
            let rows = columns == 0 ? 0 : outputs[0].count / columns
            _ = Epilogue(bias: bias, activation: planned.activation, slopes: slopes, checksFiniteness: false)
                .apply(to: outputs[0].baseAddress!, rows: rows, columns: columns)
        }
    }

    var pooledArenas: Int { arenas.withLock { $0.count } }

    private func takeArena() -> Arena {
        arenas.withLock { $0.popLast() }
            ?? Arena(bytes: .allocate(byteCount: max(64, plan.memory.arenaBytes), alignment: 64))
    }
}

/// Calls `body` with the storage of every tensor in `tensors`, held for the call.
private func withPinned<R>(_ tensors: [Tensor], _ body: ([UnsafeBufferPointer<Float>]) throws -> R) rethrows -> R {
    func nest(_ i: Int, _ done: [UnsafeBufferPointer<Float>]) throws -> R {
        if i == tensors.count { return try body(done) }
        return try tensors[i].withUnsafeBufferPointer { try nest(i + 1, done + [$0]) }
    }
    return try nest(0, [])
}

/// Makes one array per count, uninitialised, and lets `body` fill them all (they become the
/// fetched tensors' storage, so nothing is copied); also returns what `body` returns.
private func withOutputArrays(
    _ counts: [Int], _ body: ([UnsafeMutableBufferPointer<Float>]) throws -> [[Float]?]
) throws -> (arrays: [[Float]], copies: [[Float]?]) {
    var copies: [[Float]?] = []
    func nest(_ i: Int, _ done: [UnsafeMutableBufferPointer<Float>]) throws -> [[Float]] {
        if i == counts.count {
            copies = try body(done)
            return []
        }
        var rest: [[Float]] = []
        let array = try [Float](unsafeUninitializedCapacity: counts[i]) { buffer, initialized in
            initialized = counts[i]  // the plan writes every element, or the array is dropped
            rest = try nest(i + 1, done + [buffer])
        }
        return [array] + rest
    }
    let arrays = try nest(0, [])
    return (arrays, copies)
}
