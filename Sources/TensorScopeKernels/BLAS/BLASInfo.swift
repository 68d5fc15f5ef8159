/// A snapshot of the BLAS library in use (`BLAS.info`), as numpy's `show_config()` or
/// threadpoolctl would report it.
public struct BLASInfo: Sendable, Equatable, CustomStringConvertible {
    /// OpenBLAS's version, e.g. `"0.3.21"`.
    public let version: String
    /// The kernel OpenBLAS runs (`openblas_get_corename()`), e.g. `"SkylakeX"` or `"Prescott"`.
    public let kernel: String
    /// OpenBLAS's thread count (`openblas_get_num_threads()`).
    public let threads: Int
    /// OpenBLAS's build configuration string (`openblas_get_config()`).
    public let config: String
    /// The value of `OPENBLAS_CORETYPE` in this process's environment, if any.
    public let coretypeVariable: String?
    /// True when `BLAS.ensureBestKernel()` set `OPENBLAS_CORETYPE` and restarted the program.
    public let selectedByTensorScope: Bool
    /// The fastest OpenBLAS kernel this CPU supports (`"SkylakeX"`, `"Haswell"`, …), if known.
    public let bestKernelForCPU: String?

    /// True when OpenBLAS runs a kernel for an older instruction set than the CPU has.
    public var isSlowerThanCPUAllows: Bool {
        BLASCoreSelection.level(ofKernel: kernel) < BLASCoreSelection.cpuLevel
    }

    /// One line for logs: `OpenBLAS 0.3.21, kernel Zen, 2 threads`, and who chose the kernel.
    public var description: String {
        var text = "OpenBLAS \(version), kernel \(kernel), \(threads) thread\(threads == 1 ? "" : "s")"
        if selectedByTensorScope {
            text += " (OPENBLAS_CORETYPE=\(coretypeVariable ?? "") set by TensorScope)"
        } else if let coretypeVariable {
            text += " (OPENBLAS_CORETYPE=\(coretypeVariable) from the environment)"
        }
        return text
    }

    /// `"OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH …"` → `"0.3.21"`.
    package static func version(fromConfig config: String) -> String {
        let words = config.split(separator: " ")
        guard words.count >= 2, words[0] == "OpenBLAS" else { return "unknown" }
        return String(words[1])
    }
}
