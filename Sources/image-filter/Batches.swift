/// How image paths are cut into batches.
enum Batches {
    /// Chunks of `batchSize`; without one, two batches (the first the larger) whenever there
    /// are at least two paths, so the second batch always shares the first one's variables.
    static func split(_ paths: [String], batchSize: Int?) -> [[String]] {
        let size = batchSize ?? max(1, (paths.count + 1) / 2)
        return stride(from: 0, to: paths.count, by: size).map { Array(paths[$0..<min($0 + size, paths.count)]) }
    }
}
