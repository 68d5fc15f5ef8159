import Foundation

/// Times a closure after warm-up and reports the median and the minimum, and how many cores
/// the process kept busy meanwhile (CPU time over wall time).
struct Timing {
    var median: Double
    var min: Double
    var samples: [Double]
    var coresBusy: Double

    static func measure(warmup: Int, repeats: Int, _ body: () throws -> Void) rethrows -> Timing {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        let cpuBefore = cpuSeconds()
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let coresBusy = (cpuSeconds() - cpuBefore) / samples.reduce(0, +)
        let sorted = samples.sorted()
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        return Timing(median: median, min: sorted[0], samples: samples, coresBusy: coresBusy)
    }

    /// User + system CPU time of the whole process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// Peak resident memory, per case: Linux lets a process reset its high-water mark.
enum PeakMemory {
    /// Resets VmHWM to the current resident size (`echo 5 > /proc/self/clear_refs`).
    static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
