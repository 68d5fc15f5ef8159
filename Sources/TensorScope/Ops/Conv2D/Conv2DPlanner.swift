/// Picks the algorithm for a convolution: the pinned one (`Conv2DAlgorithm.withPinned`, or
/// `TENSORSCOPE_CONV_ALGORITHM`) when it supports the shape, otherwise the planner's choice:
/// TensorScope's own indirect GEMM wherever the CPU has AVX2 + FMA or AVX-512 and the kernel
/// fits, im2col + OpenBLAS otherwise. A new algorithm adds a case here and a `Conv2DKernel`.
enum Conv2DPlanner {
    /// - Parameter filter: the filter argument, so a variable's packed form can be reused; nil
    ///   where only the plan is wanted (scratch figures).
    static func kernel(
        for geometry: Conv2DGeometry, filter: OpInput? = nil, pinned: Conv2DAlgorithm? = Conv2DAlgorithm.pinned,
        workers: Int = BLAS.coreCount
    ) -> any Conv2DKernel {
        if pinned != .im2col, let isa = KernelISA.current, IndirectGEMM.supports(geometry) {
            return IndirectGEMM(geometry: geometry, isa: isa, packed: filter?.packedFilter(isa: isa), workers: workers)
        }
        return Im2ColGEMM(geometry: geometry, workers: workers)
    }
}
