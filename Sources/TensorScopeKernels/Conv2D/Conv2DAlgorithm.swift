/// The ways TensorScope can compute a convolution. The planner picks one per call
/// (`Conv2DPlanner`); tests and benchmarks pin one with `Conv2DAlgorithm.withPinned(_:_:)`,
/// and the executables honour `TENSORSCOPE_CONV_ALGORITHM`.
public enum Conv2DAlgorithm: String, CaseIterable, Sendable {
    /// Receptive fields copied into bounded tiles (im2col), each multiplied by the filter with
    /// one single-threaded OpenBLAS `sgemm`. Runs every shape; the reference for the others.
    case im2col
    /// Indirect GEMM with TensorScope's own micro-kernels (AVX2 + FMA, AVX-512F), bias, ReLU
    /// and the finiteness check fused into the store. Needs one of those instruction sets and at
    /// most 64 kernel taps.
    case igemm
    /// Winograd's minimal filtering for stride-1 undilated kernels: F(4 × 4, 3 × 3) for 3 × 3
    /// (`WinogradF43`, a quarter of the multiplies), F(3 × 3, 5 × 5) for 5 × 5 (`Winograd5x5`,
    /// 22 % of them) or F(2 × 2, 5 × 5) (36 %) on maps whose sides leave 3 × 3 tiles emptier,
    /// at some cost in float32 accuracy (within 1e-4 of the output's scale). The planner picks
    /// it for 3 × 3 where `WinogradF43.expectedSpeedup` is 1.25 or more (from about 16 channels
    /// in and out on maps that fill its tiles), for 5 × 5 from 16 channels in and out. Needs the
    /// AVX2 + FMA or AVX-512F kernels.
    case winograd
    /// Direct convolution with the vector lanes across output pixels (`PlanarConv`), for
    /// stride-1 undilated layers of at most 4 input and 12 output channels, where vectors
    /// across channels would be mostly empty: an RGB first layer with few filters. The planner
    /// picks it for those layers when their rows have 16 pixels or more. Needs AVX2 + FMA.
    case planar

    /// The environment variable that pins an algorithm for a whole process
    /// (`TENSORSCOPE_CONV_ALGORITHM=im2col`).
    public static let environmentVariable = "TENSORSCOPE_CONV_ALGORITHM"

    /// The algorithm pinned by the environment, if any.
    ///
    /// - Throws: `.invalidArgument` naming the variable and the accepted values when it is set
    ///   to something else. The library itself ignores such a value; executables call this
    ///   first thing so a typo is reported instead of silently ignored.
    public static func fromEnvironment() throws -> Conv2DAlgorithm? {
        try EnvironmentSetting.read(environmentVariable, as: Conv2DAlgorithm.self)
    }

    /// Read once: the environment of a running process does not change under it.
    package static let environmentPin: Conv2DAlgorithm? = try? fromEnvironment()

    @TaskLocal package static var taskPin: Conv2DAlgorithm?

    /// Runs `body` with every convolution it starts (in this task and its child tasks)
    /// computed by `algorithm`, wherever that algorithm supports the shape; other shapes fall
    /// back to `.igemm` where it takes them (the CPU has its instruction sets, at most 64 kernel
    /// taps), to `.im2col` otherwise. Overrides `TENSORSCOPE_CONV_ALGORITHM`.
    @discardableResult
    public static func withPinned<R>(_ algorithm: Conv2DAlgorithm, _ body: () throws -> R) rethrows -> R {
        try $taskPin.withValue(algorithm, operation: body)
    }

    /// The pin in effect: the task's, else the environment's.
    package static var pinned: Conv2DAlgorithm? { taskPin ?? environmentPin }
}
