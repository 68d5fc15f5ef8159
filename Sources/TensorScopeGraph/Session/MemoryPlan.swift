import TensorScopeKernels

/// Where each computed value of a plan lives during a run: an offset in one arena, chosen by
/// liveness so values that are never needed at the same time share bytes. Fetched values get
/// buffers of their own (they outlive the run), so the arena holds intermediates only.
///
/// Offsets are assigned largest value first, each at the lowest 64-byte-aligned offset that
/// does not overlap a value already placed whose lifetime meets its own — the greedy-by-size
/// rule of TensorFlow Lite's and XNNPACK's memory planners, which comes close to the peak of
/// live bytes on the chains and small branches CNNs have.
struct MemoryPlan: Sendable {
    /// Byte offset in the arena of each value the arena holds (by value id).
    private(set) var offsets: [Int: Int] = [:]
    /// Fetch slot of each value computed straight into a fetched buffer.
    private(set) var fetchSlots: [Int: Int] = [:]
    /// The arena's size in bytes.
    private(set) var arenaBytes = 0
    /// What the intermediates would take without sharing (each value its own buffer).
    private(set) var unsharedBytes = 0

    init() {}

    init(_ plan: ExecutionPlan) {
        // A value's lifetime: from the step that computes it to the last step that reads it
        // (or any value aliasing it).
        var first: [Int: Int] = [:], last: [Int: Int] = [:]
        for (s, step) in plan.steps.enumerated() {
            for output in step.outputs { first[output] = s; last[output] = max(last[output] ?? s, s) }
            for input in step.allInputs {
                let root = plan.root(of: input)
                if first[root] != nil { last[root] = max(last[root] ?? s, s) }
            }
        }
        let fetchedRoots = plan.fetched.map { plan.root(of: $0) }
        for (slot, root) in fetchedRoots.enumerated() where first[root] != nil && fetchSlots[root] == nil {
            fetchSlots[root] = slot
        }
        let placed = first.keys.filter { fetchSlots[$0] == nil }
            .sorted { (plan.values[$0].count, $1) > (plan.values[$1].count, $0) }
        var intervals: [(offset: Int, bytes: Int, first: Int, last: Int)] = []
        for id in placed {
            let bytes = Self.aligned(plan.values[id].count * MemoryLayout<Float>.size)
            unsharedBytes += bytes
            let (f, l) = (first[id]!, last[id]!)
            let busy = intervals.filter { $0.first <= l && f <= $0.last }.sorted { $0.offset < $1.offset }
            var offset = 0
            for other in busy where offset + bytes > other.offset {
                offset = max(offset, other.offset + other.bytes)
            }
            offsets[id] = offset
            intervals.append((offset, bytes, f, l))
            arenaBytes = max(arenaBytes, offset + bytes)
        }
    }

    private static func aligned(_ bytes: Int) -> Int { (max(bytes, 1) + 63) & ~63 }
}
