/// Picks the algorithm for a convolution: the pinned one (`Conv2DAlgorithm.withPinned`, or
/// `TENSORSCOPE_CONV_ALGORITHM`) when it supports the shape, otherwise the planner's choice:
/// Winograd for stride-1 3 × 3 layers whose estimated speed-up is at least 1.25
/// (`WinogradF43.isPreferred`) and stride-1 5 × 5 layers of 16 channels or more in and out
/// (`Winograd5x5.isPreferred`), the planar kernels for layers of few channels on rows of 16
/// pixels or more (`PlanarConv.isPreferred`), TensorScope's own indirect GEMM wherever the CPU
/// has AVX2 + FMA or AVX-512 and the kernel fits, im2col + OpenBLAS otherwise. A pinned
/// algorithm that does not take the shape falls back the same way (the indirect GEMM, else
/// im2col). A new algorithm adds a case here and a `Conv2DOperator`.
package enum Conv2DPlanner {
    /// - Parameters:
    ///   - prepared: the filter in a layout for an instruction set, made by the given function
    ///     or kept from before (a variable's); nil where the filter is prepared per call, or only
    ///     the plan is wanted (scratch figures).
    ///   - isa: the instruction set of the own kernels; nil for im2col + OpenBLAS only.
    package static func choose(
        for geometry: Conv2DGeometry,
        prepared: ((WeightLayout, KernelISA?, (UnsafePointer<Float>) -> PackedFilter) -> PackedFilter)? = nil,
        pinned: Conv2DAlgorithm? = Conv2DAlgorithm.pinned, isa current: KernelISA? = KernelISA.current,
        workers: Int = Workers.count
    ) -> any Conv2DOperator {
        if let isa = current,
           pinned == .winograd ? WinogradF43.supports(geometry) : pinned == nil && WinogradF43.isPreferred(geometry) {
            let shape = [3, 3, geometry.inChannels, geometry.outChannels]
            return WinogradF43(geometry: geometry, isa: isa,
                               transformed: prepared?(.winogradF43, isa) { PackedFilter(winogradF43: $0, shape: shape, isa: isa) },
                               workers: workers)
        }
        if let isa = current,
           pinned == .winograd ? Winograd5x5.supports(geometry) : pinned == nil && Winograd5x5.isPreferred(geometry) {
            let shape = [5, 5, geometry.inChannels, geometry.outChannels]
            let tile = Winograd5x5.preferredTile(geometry)
            let transformed = prepared?(Winograd5x5.layout(tile: tile), isa) {
                PackedFilter(winograd5x5: $0, tile: tile, shape: shape, isa: isa)
            }
            return Winograd5x5(geometry: geometry, isa: isa, tile: tile, transformed: transformed, workers: workers)
        }
        if let isa = current,
           pinned == .planar ? PlanarConv.supports(geometry, isa: isa)
                             : pinned == nil && PlanarConv.isPreferred(geometry, isa: isa) {
            return PlanarConv(geometry: geometry, isa: isa, workers: workers)
        }
        if pinned != .im2col, let isa = current, IndirectGEMM.supports(geometry) {
            let shape = [geometry.kernelHeight, geometry.kernelWidth, geometry.inChannels, geometry.outChannels]
            let packed = prepared?(.igemmBlocks, isa) { PackedFilter(hwio: $0, shape: shape, isa: isa) }
            return IndirectGEMM(geometry: geometry, isa: isa, packed: packed, workers: workers)
        }
        return Im2ColGEMM(geometry: geometry, workers: workers)
    }
}
