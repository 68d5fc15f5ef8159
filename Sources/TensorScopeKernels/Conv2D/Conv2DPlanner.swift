/// Picks the algorithm for a convolution: the pinned one (`Conv2DAlgorithm.withPinned`, or
/// `TENSORSCOPE_CONV_ALGORITHM`) when it supports the shape, otherwise the planner's choice:
/// TensorScope's own indirect GEMM wherever the CPU has AVX2 + FMA or AVX-512 and the kernel
/// fits, im2col + OpenBLAS otherwise. A new algorithm adds a case here and a `Conv2DOperator`.
package enum Conv2DPlanner {
    /// - Parameter packedFilter: the filter's packed form for an instruction set, where one is
    ///   kept (a variable's); nil where the filter is packed per call, or only the plan is
    ///   wanted (scratch figures).
    package static func choose(
        for geometry: Conv2DGeometry, packedFilter: ((KernelISA) -> PackedFilter)? = nil,
        pinned: Conv2DAlgorithm? = Conv2DAlgorithm.pinned, workers: Int = Workers.count
    ) -> any Conv2DOperator {
        if pinned == .winograd, WinogradF43.supports(geometry) {
            return WinogradF43(geometry: geometry, workers: workers)
        }
        if pinned != .im2col, let isa = KernelISA.current, IndirectGEMM.supports(geometry) {
            return IndirectGEMM(geometry: geometry, isa: isa, packed: packedFilter?(isa), workers: workers)
        }
        return Im2ColGEMM(geometry: geometry, workers: workers)
    }
}
