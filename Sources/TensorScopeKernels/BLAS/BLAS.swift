import COpenBLAS
import Foundation
import Synchronization

/// The BLAS library under `conv2d`: what it is, which kernel it runs, and how TensorScope
/// shares it between cores.
public enum BLAS {
    /// OpenBLAS's version, the kernel it selected for this CPU, and its thread count, read now.
    public static var info: BLASInfo {
        let config = String(cString: openblas_get_config())
        let kernel = String(cString: openblas_get_corename())
        return BLASInfo(
            version: BLASInfo.version(fromConfig: config),
            kernel: kernel,
            threads: Int(openblas_get_num_threads()),
            config: config,
            coretypeVariable: ProcessInfo.processInfo.environment[BLASCoreSelection.variable],
            selectedByTensorScope: ProcessInfo.processInfo.environment[BLASCoreSelection.marker] != nil,
            bestKernelForCPU: BLASCoreSelection.cpuLevel.kernelName)
    }

    /// How many workers the ops spread over; see `Workers.count`.
    @available(*, deprecated, renamed: "Workers.count")
    public static var coreCount: Int { Workers.count }

    /// Whether the running OpenBLAS kernel has the AVX-512 small-matrix `sgemm` path (SkylakeX
    /// and newer), which `conv2d` sizes its tiles for. Read once: the kernel cannot change.
    package static let hasSmallMatrixKernels: Bool =
        BLASCoreSelection.level(ofKernel: String(cString: openblas_get_corename())) == .avx512

    private static let threadState = Mutex<(users: Int, saved: Int32)>((0, 0))

    /// Runs `body` with OpenBLAS limited to one thread, for callers that run one `sgemm` per
    /// core themselves; OpenBLAS's own count is restored when the last such caller leaves.
    ///
    /// OpenBLAS's thread count is process-wide, so a `sgemm` the application calls from
    /// another thread while a convolution runs is single-threaded too.
    package static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        threadState.withLock { state in
            if state.users == 0 {
                state.saved = openblas_get_num_threads()
                if state.saved != 1 { openblas_set_num_threads(1) }
            }
            state.users += 1
        }
        defer {
            threadState.withLock { state in
                state.users -= 1
                if state.users == 0, state.saved != 1 { openblas_set_num_threads(state.saved) }
            }
        }
        return try body()
    }
}
