import CConvKernels
import Dispatch

/// The floating-point peak of this machine, measured: every worker runs a register-only FMA
/// loop of `isa`'s widest vectors (`isa_table.c` and the ISA files) at the same time. For the benchmark, which
/// prints each case's fraction of it; not part of the stable API.
@_spi(Benchmarking)
public enum PeakFLOPS {
    /// GFLOP/s of `workers` cores together, the best of `rounds` runs of about `seconds` each.
    public static func measure(isa: KernelISA, workers: Int = Workers.count, seconds: Double = 0.1,
                               rounds: Int = 3) -> Double {
        let perIteration = Double(ts_fma_peak_flops_per_iteration(isa.code))
        // Calibrate on one core so each round lasts about `seconds`.
        var iterations = 1 << 20
        let calibration = time { _ = ts_fma_peak(isa.code, iterations) }
        iterations = max(1 << 16, Int(Double(iterations) * seconds / max(calibration, 1e-6)))
        var best = 0.0
        let count = iterations
        for _ in 0..<rounds {
            let elapsed = time {
                DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
                    _ = ts_fma_peak(isa.code, count)
                }
            }
            best = max(best, perIteration * Double(count) * Double(max(1, workers)) / elapsed / 1e9)
        }
        return best
    }

    private static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
