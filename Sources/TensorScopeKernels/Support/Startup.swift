import CMalloc
import Foundation

/// What a program that runs many forward passes does first, in one call: the executables'
/// shared start-up.
public enum Startup {
    /// Call first thing in `main()`, before any other thread starts:
    ///
    /// 1. `BLAS.ensureBestKernel()` — may restart the process on a faster OpenBLAS kernel
    ///    (`execv`, so it does not return then).
    /// 2. Checks the environment overrides — `TENSORSCOPE_CONV_ALGORITHM`, `TENSORSCOPE_ISA`,
    ///    `TENSORSCOPE_NUM_THREADS` — so a typo is an error, not silently ignored (the library
    ///    itself ignores a value it cannot use).
    /// 3. `Memory.retainFreedBuffers()` — freed tensors' memory kept for the next pass.
    /// 4. Standard output flushed at every line, also when it is a file or a pipe (a log that a
    ///    killed process leaves behind holds every line printed before).
    ///
    /// - Throws: `.invalidArgument` naming the variable, what it takes and what it holds.
    public static func prepareProgram() throws {
        BLAS.ensureBestKernel()
        _ = try Conv2DAlgorithm.fromEnvironment()
        _ = try KernelISA.fromEnvironment()
        if let text = ProcessInfo.processInfo.environment[Workers.environmentVariable], !text.isEmpty,
           (Int(text) ?? 0) < 1 {
            throw TensorScopeError.invalidArgument(
                Workers.environmentVariable, expected: "a positive number of workers", got: "\"\(text)\"")
        }
        Memory.retainFreedBuffers()
        tensorscope_line_buffer_stdout()
    }
}
