import TensorScope

/// One way a convolution can run: an algorithm, and for TensorScope's own kernels the
/// instruction set. Tests run each path pinned; a path this CPU cannot run is reported and
/// left out (the AVX2 kernels run on AVX-512 machines too, so only AVX-512 can be missing).
struct ConvPath: CustomStringConvertible, Sendable {
    var algorithm: Conv2DAlgorithm
    var isa: KernelISA?

    static let all: [ConvPath] = [ConvPath(algorithm: .im2col, isa: nil)]
        + KernelISA.allCases.map { ConvPath(algorithm: .winograd, isa: $0) }
        + KernelISA.allCases.map { ConvPath(algorithm: .igemm, isa: $0) }
        + KernelISA.allCases.map { ConvPath(algorithm: .planar, isa: $0) }

    var description: String { isa.map { "\(algorithm)/\($0)" } ?? "\(algorithm)" }

    var isRunnable: Bool { isa?.isSupported ?? true }

    /// Runs `body` with this path pinned; returns nil (after printing why) when the CPU lacks
    /// the instruction set.
    func run<R>(_ body: () throws -> R) throws -> R? {
        guard isRunnable else {
            print("notice: \(self) not run: this CPU lacks \(isa!.rawValue)")
            return nil
        }
        return try Conv2DAlgorithm.withPinned(algorithm) {
            if let isa { return try KernelISA.withPinned(isa, body) }
            return try body()
        }
    }
}
