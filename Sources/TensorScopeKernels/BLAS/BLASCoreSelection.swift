import CConvKernels
import COpenBLAS
import Foundation

/// The widest vector instruction set a CPU offers, or an OpenBLAS kernel is written for.
package enum VectorLevel: Int, Comparable, Sendable {
    case baseline, avx, avx2, avx512

    package static func < (a: VectorLevel, b: VectorLevel) -> Bool { a.rawValue < b.rawValue }

    /// The OpenBLAS kernel to ask for (`OPENBLAS_CORETYPE`) on a CPU of this level.
    package var kernelName: String? {
        switch self {
        case .baseline: nil
        case .avx: "Sandybridge"
        case .avx2: "Haswell"
        case .avx512: "SkylakeX"
        }
    }
}

/// Detects an OpenBLAS that fell back to an older kernel than the CPU supports.
///
/// OpenBLAS 0.3.21 (Debian 12) does not know recent Xeons (Sapphire Rapids and later) and
/// falls back to `Prescott`, its SSE3 kernel, which runs `sgemm` 4–7× slower than
/// `SkylakeX` on the same CPU. OpenBLAS reads `OPENBLAS_CORETYPE` once, while the dynamic
/// loader starts the program — before any Swift code runs — so the only remedies are to set
/// the variable before the process starts, or to set it and restart the process
/// (`BLAS.ensureBestKernel()`). A value the user set is always left alone.
package enum BLASCoreSelection {
    package static let variable = "OPENBLAS_CORETYPE"
    /// Set alongside `OPENBLAS_CORETYPE` when TensorScope chose it, so `BLAS.info` can say so
    /// and a restarted process never restarts again.
    package static let marker = "TENSORSCOPE_SELECTED_CORETYPE"
    /// Set to any value to silence the one-time slow-kernel warning.
    package static let quietVariable = "TENSORSCOPE_NO_KERNEL_WARNING"

    /// This CPU's level, from the features the kernels' detection found (`ts_cpu_flags`: a
    /// feature counts only when the OS also saves its registers, which is what OpenBLAS needs).
    package static let cpuLevel: VectorLevel =
        level(ofCPUFlags: Set(String(cString: ts_cpu_flags()).split(separator: " ").map(String.init)))

    package static func level(ofCPUFlags flags: Set<String>) -> VectorLevel {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains) { return .avx512 }
        if flags.contains("avx2") && flags.contains("fma") { return .avx2 }
        if flags.contains("avx") { return .avx }
        return .baseline
    }

    /// The instruction set an OpenBLAS x86-64 kernel is written for (names as
    /// `openblas_get_corename()` prints them; unknown names count as baseline).
    package static func level(ofKernel name: String) -> VectorLevel {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": .avx512
        case "haswell", "zen", "excavator": .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": .avx
        default: .baseline
        }
    }

    /// The kernel to switch to, when OpenBLAS runs a slower one and the user did not choose.
    package static func recommendedKernel(environment: [String: String], currentKernel: String) -> String? {
        guard environment[variable] == nil, level(ofKernel: currentKernel) < cpuLevel else { return nil }
        return cpuLevel.kernelName
    }

    /// Reports, once per process and through `Diagnostics`, how to get the faster kernel; the
    /// library's first convolution reads this. Executables that call `BLAS.ensureBestKernel()`
    /// never reach it.
    package static let warnOnce: Void = {
        let environment = ProcessInfo.processInfo.environment
        guard environment[quietVariable] == nil else { return }
        let current = String(cString: openblas_get_corename())
        guard let better = recommendedKernel(environment: environment, currentKernel: current) else { return }
        let message = """
            TensorScope: OpenBLAS runs its \(current) kernel, but this CPU supports \(better), \
            whose sgemm is several times faster. Start the program with \(variable)=\(better) \
            in its environment, or call BLAS.ensureBestKernel() first thing in main(). \
            (Silence this with \(quietVariable)=1.)
            """
        Diagnostics.report(message)
    }()
}
