import Foundation

extension BLAS {
    /// Restarts the program on the fastest OpenBLAS kernel this CPU supports, when OpenBLAS
    /// picked a slower one and `OPENBLAS_CORETYPE` is not set.
    ///
    /// Call it first thing in `main()`, before any other thread starts. When a restart is
    /// needed it sets `OPENBLAS_CORETYPE` (and a marker so `BLAS.info` can tell it was
    /// automatic) and `execv`s `/proc/self/exe` with the same arguments: the process image is
    /// replaced, so the function does not return. When nothing needs doing, or the restart
    /// fails, it returns and the program carries on with the kernel it has.
    ///
    /// A value of `OPENBLAS_CORETYPE` the user set is never overridden, and a process that
    /// TensorScope already restarted is never restarted again.
    public static func ensureBestKernel() {
        let environment = ProcessInfo.processInfo.environment
        guard environment[BLASCoreSelection.marker] == nil,
              let kernel = BLASCoreSelection.recommendedKernel(
                  environment: environment, currentKernel: info.kernel)
        else { return }
        setenv(BLASCoreSelection.variable, kernel, 1)
        setenv(BLASCoreSelection.marker, kernel, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when execv failed: undo, and run on the kernel we have.
        unsetenv(BLASCoreSelection.variable)
        unsetenv(BLASCoreSelection.marker)
    }
}
