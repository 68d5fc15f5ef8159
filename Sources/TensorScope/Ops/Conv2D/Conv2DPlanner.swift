/// Picks the algorithm for a convolution: the pinned one (`Conv2DAlgorithm.withPinned`, or
/// `TENSORSCOPE_CONV_ALGORITHM`) when it supports the shape, otherwise the fastest that does.
/// With one algorithm so far, that is always `.im2col`; new algorithms add a case here and a
/// `Conv2DKernel` of their own.
enum Conv2DPlanner {
    static func kernel(
        for geometry: Conv2DGeometry, pinned: Conv2DAlgorithm? = Conv2DAlgorithm.pinned,
        workers: Int = BLAS.coreCount
    ) -> any Conv2DKernel {
        switch pinned ?? .im2col {
        case .im2col:
            Im2ColGEMM(geometry: geometry, workers: workers)
        }
    }
}
