import Foundation

/// A deterministic, disjoint share of the sorted inputs: image `i` (0-based, in sorted order)
/// belongs to shard `i mod count`. Every shard numbers its outputs with the global index, so
/// the shards' outputs never collide and together cover every input exactly once.
struct Shard: Equatable, CustomStringConvertible {
    var index: Int
    var count: Int

    static let all = Shard(index: 0, count: 1)

    /// `"INDEX/COUNT"`, as `--shard` takes it.
    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    var isValid: Bool { count >= 1 && (0..<count).contains(index) }

    /// The shard the scheduler assigned, when no `--shard` was given: a Kubernetes Indexed
    /// Job's `JOB_COMPLETION_INDEX` (with `--shard-count`), or a Slurm job array's
    /// `SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT`.
    static func fromEnvironment(_ environment: [String: String], shardCount: Int?) -> Shard? {
        if let text = environment["JOB_COMPLETION_INDEX"], let index = Int(text), let shardCount {
            return Shard(index: index, count: shardCount)
        }
        if let id = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init),
           let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) {
            // Array ids start where `--array` says; the shard index counts from its start.
            let first = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            return Shard(index: id - first, count: count)
        }
        return nil
    }

    /// The positions of `total` sorted inputs that belong to this shard.
    func positions(of total: Int) -> [Int] {
        Array(stride(from: index, to: total, by: count))
    }

    var description: String { "\(index)/\(count)" }
}
