import CConvKernels

/// The instruction sets TensorScope's own convolution kernels are written for. The best one
/// the CPU supports is used; `TENSORSCOPE_ISA` or `KernelISA.withPinned(_:_:)` pick a lower one
/// (to test the AVX2 kernel on an AVX-512 machine, say). For the opposite, the test suite's
/// `TENSORSCOPE_EMULATE_AVX512=1` makes `.avx512` supported on a CPU with AVX2 but not AVX-512,
/// its kernels then plain C with the same tile (slow: for tests only); so does a build with
/// `-DTS_AVX512_VIA_SIMDE` (scripts/test-avx512-source), which compiles their own source for
/// AVX2 through SIMDe.
public enum KernelISA: String, CaseIterable, Sendable, Comparable {
    /// AVX2 + FMA, 256-bit: 6 pixels × 16 channels per micro-kernel call.
    case avx2
    /// AVX-512F, 512-bit: 8 pixels × 32 channels per micro-kernel call.
    case avx512

    /// Orders instruction sets by width: `.avx2 < .avx512`, so `min` picks the narrower one.
    public static func < (a: KernelISA, b: KernelISA) -> Bool { a.code < b.code }

    package var code: Int32 {
        switch self {
        case .avx2: Int32(TS_ISA_AVX2.rawValue)
        case .avx512: Int32(TS_ISA_AVX512.rawValue)
        }
    }

    /// Whether this CPU and OS run the kernels of this instruction set.
    public var isSupported: Bool { ts_isa_supported(code) != 0 }

    /// Output pixels and output channels one micro-kernel call computes.
    package var tile: (pixels: Int, channels: Int) { (ts_igemm_mr(code), ts_igemm_nr(code)) }

    /// The best instruction set this CPU supports, if any.
    public static let best: KernelISA? = allCases.reversed().first { $0.isSupported }

    /// The environment variable that caps the instruction set (`TENSORSCOPE_ISA=avx2`).
    public static let environmentVariable = "TENSORSCOPE_ISA"

    /// The instruction set named by `TENSORSCOPE_ISA`, if set.
    ///
    /// - Throws: `.invalidArgument` for a name that is not a case, or an instruction set this
    ///   CPU lacks. The library ignores such a value; executables call this first thing.
    public static func fromEnvironment() throws -> KernelISA? {
        guard let isa = try EnvironmentSetting.read(environmentVariable, as: KernelISA.self) else { return nil }
        guard isa.isSupported else {
            throw TensorScopeError.invalidArgument(
                environmentVariable, expected: "an instruction set this CPU supports (\(best?.rawValue ?? "none"))",
                got: "\(isa.rawValue)")
        }
        return isa
    }

    package static let environmentPin: KernelISA? = try? fromEnvironment()

    @TaskLocal package static var taskPin: KernelISA?

    /// Runs `body` with TensorScope's kernels limited to `isa` in this task and its children.
    ///
    /// - Throws: `.invalidArgument` when the CPU does not support `isa`; otherwise what `body` throws.
    @discardableResult
    public static func withPinned<R>(_ isa: KernelISA, _ body: () throws -> R) throws -> R {
        guard isa.isSupported else {
            throw TensorScopeError.invalidArgument(
                "KernelISA.withPinned", expected: "an instruction set this CPU supports (\(best?.rawValue ?? "none"))",
                got: "\(isa.rawValue)")
        }
        return try $taskPin.withValue(isa, operation: body)
    }

    /// The instruction set in effect: the task's pin, else the environment's, else the best.
    package static var current: KernelISA? { taskPin ?? environmentPin ?? best }

    /// The instruction set TensorScope's kernels use here and now (nil: the CPU has neither,
    /// and every convolution runs im2col + OpenBLAS).
    public static var inUse: KernelISA? { current }
}
