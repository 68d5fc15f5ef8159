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
        #expect(BLASCoreSelection.level(ofCPUFlags: sapphireRapids) == .avx512)
        #expect(BLASCoreSelection.level(ofCPUFlags: ["avx", "avx2", "fma"]) == .avx2)
        #expect(BLASCoreSelection.level(ofCPUFlags: ["avx"]) == .avx)
        #expect(BLASCoreSelection.level(ofCPUFlags: ["sse3"]) == .baseline)
        #expect(BLASCoreSelection.level(ofKernel: "Prescott") == .baseline)
        #expect(BLASCoreSelection.level(ofKernel: "SkylakeX") == .avx512)
        #expect(BLASCoreSelection.level(ofKernel: "Haswell") == .avx2)
    }

    @Test func aValueTheUserSetIsNeverOverridden() {
        #expect(BLASCoreSelection.recommendedKernel(environment: ["OPENBLAS_CORETYPE": "Prescott"], currentKernel: "Prescott") == nil)
        // Nothing to do when OpenBLAS already runs the best kernel the CPU allows.
        #expect(BLASCoreSelection.recommendedKernel(environment: [:], currentKernel: "SapphireRapids") == nil)
        if BLASCoreSelection.cpuLevel > .baseline {
            #expect(BLASCoreSelection.recommendedKernel(environment: [:], currentKernel: "Prescott") == BLASCoreSelection.cpuLevel.kernelName)
        }
    }
}
