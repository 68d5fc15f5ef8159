import TensorScope
@testable import TensorScopeKernels

/// One way a convolution can run: an algorithm, for TensorScope's own kernels the instruction
/// set, and for Winograd on a 5 × 5 kernel the output tile. Tests run each path pinned; a path
/// this CPU cannot run is reported and left out (the AVX2 kernels run on AVX-512 machines too,
/// so only AVX-512 can be missing).
struct ConvPath: CustomStringConvertible, Sendable {
    var algorithm: Conv2DAlgorithm
    var isa: KernelISA?
    /// F(2 × 2, 5 × 5) (2) or F(3 × 3, 5 × 5) (3) for 5 × 5 kernels; nil: the planner's choice.
    /// (3 × 3 kernels take F(4 × 4, 3 × 3) either way.)
    var winogradTile: Int? = nil

    static let all: [ConvPath] = [ConvPath(algorithm: .im2col, isa: nil)]
        + KernelISA.allCases.map { ConvPath(algorithm: .winograd, isa: $0, winogradTile: 3) }
        + KernelISA.allCases.map { ConvPath(algorithm: .winograd, isa: $0, winogradTile: 2) }
        + KernelISA.allCases.map { ConvPath(algorithm: .igemm, isa: $0) }
        + KernelISA.allCases.map { ConvPath(algorithm: .planar, isa: $0) }

    var description: String {
        let name = winogradTile.map { "\(algorithm)-f\($0)5" } ?? "\(algorithm)"
        return isa.map { "\(name)/\($0)" } ?? name
    }

    var isRunnable: Bool { isa?.isSupported ?? true }

    /// Runs `body` with this path pinned; returns nil (after printing why) when the CPU lacks
    /// the instruction set.
    func run<R>(_ body: () throws -> R) throws -> R? {
        guard isRunnable else {
            print("notice: \(self) not run: this CPU lacks \(isa!.rawValue)")
            return nil
        }
        return try Conv2DAlgorithm.withPinned(algorithm) {
            try Winograd5x5.$pinnedTile.withValue(winogradTile) {
                if let isa { return try KernelISA.withPinned(isa, body) }
                return try body()
            }
        }
    }
}
