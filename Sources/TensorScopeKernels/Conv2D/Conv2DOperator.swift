/// One convolution algorithm, set up for one validated geometry: what every algorithm offers
/// the runner. An algorithm computes `output[M × N]` (NHWC output rows, one per output pixel)
/// and applies the epilogue to each part of it while that part is in cache.
package protocol Conv2DOperator: Sendable {
    var algorithm: Conv2DAlgorithm { get }
    /// Bytes of scratch one run allocates, all workers together.
    var scratchBytes: Int { get }
    /// Computes the convolution into `output` and applies `epilogue`.
    ///
    /// - Returns: `false` when the epilogue found a NaN or infinity.
    func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool
    /// Whether `run` takes an epilogue's max pooling into its own pass (then `output` is the
    /// pooled one); otherwise the caller pools after it.
    func pools(_ pool: PoolGeometry) -> Bool
    /// Whether the planner, asked again with the same pins of algorithm and instruction set,
    /// would still make this operator: false when a finer pin it was made under has changed
    /// since (`Winograd5x5.pinnedTile`), so a kept operator is not reused past it.
    var isStillChosen: Bool { get }
}

extension Conv2DOperator {
    package func pools(_ pool: PoolGeometry) -> Bool { false }
    package var isStillChosen: Bool { true }
}
