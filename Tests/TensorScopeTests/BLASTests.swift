import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

@Suite struct BLASTests {
    @Test func infoReportsOpenBLAS() {
        let info = BLAS.info
        #expect(info.version.first?.isNumber == true, "\(info)")
        #expect(!info.kernel.isEmpty && info.threads >= 1)
        #expect(info.description.contains(info.kernel))
    }

    @Test func cpuFlagsMapToKernelLevels() {
        let sapphireRapids: Set = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
        #expect(KernelSelection.level(ofCPUFlags: sapphireRapids) == .avx512)
        #expect(KernelSelection.level(ofCPUFlags: ["avx", "avx2", "fma"]) == .avx2)
        #expect(KernelSelection.level(ofCPUFlags: ["avx"]) == .avx)
        #expect(KernelSelection.level(ofCPUFlags: ["sse3"]) == .baseline)
        #expect(KernelSelection.level(ofKernel: "Prescott") == .baseline)
        #expect(KernelSelection.level(ofKernel: "SkylakeX") == .avx512)
        #expect(KernelSelection.level(ofKernel: "Haswell") == .avx2)
    }

    @Test func aValueTheUserSetIsNeverOverridden() {
        #expect(KernelSelection.recommendedKernel(environment: ["OPENBLAS_CORETYPE": "Prescott"], currentKernel: "Prescott") == nil)
        // Nothing to do when OpenBLAS already runs the best kernel the CPU allows.
        #expect(KernelSelection.recommendedKernel(environment: [:], currentKernel: "SapphireRapids") == nil)
        if KernelSelection.cpuLevel > .baseline {
            #expect(KernelSelection.recommendedKernel(environment: [:], currentKernel: "Prescott") == KernelSelection.cpuLevel.kernelName)
        }
    }
}
