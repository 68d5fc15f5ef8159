import Foundation

/// One case's numbers, as a table line or as the JSON object DESIGN.md specifies.
struct BenchResult: Encodable {
    var name: String
    var description: String
    var batch: Int
    var flops: Double
    var timing: Timing
    var gemmSeconds: Double
    var peakRSSBytes: Int
    var scratchBytes: Int
    var kernel: String
    var threads: Int

    var gflops: Double { flops / timing.median / 1e9 }
    var imagesPerSecond: Double { Double(batch) / timing.median }

    enum CodingKeys: String, CodingKey {
        case name, description, batch, flops, gflops, seconds, min_seconds, gemm_seconds, gemm_gflops
        case images_per_second, peak_rss_bytes, scratch_bytes, blas_kernel, threads
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(batch, forKey: .batch)
        try c.encode(flops, forKey: .flops)
        try c.encode(gflops, forKey: .gflops)
        try c.encode(timing.median, forKey: .seconds)
        try c.encode(timing.min, forKey: .min_seconds)
        try c.encode(gemmSeconds, forKey: .gemm_seconds)
        try c.encode(flops / gemmSeconds / 1e9, forKey: .gemm_gflops)
        try c.encode(imagesPerSecond, forKey: .images_per_second)
        try c.encode(peakRSSBytes, forKey: .peak_rss_bytes)
        try c.encode(scratchBytes, forKey: .scratch_bytes)
        try c.encode(kernel, forKey: .blas_kernel)
        try c.encode(threads, forKey: .threads)
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    var line: String {
        String(format: "%-18@ median %8.2f ms  min %8.2f ms  %7.1f GFLOP/s  %8.1f img/s  GEMMs alone %8.2f ms (total/GEMM %.2f)  peak RSS %6.1f MiB  scratch %5.2f MiB",
               name as NSString, timing.median * 1e3, timing.min * 1e3, gflops, imagesPerSecond, gemmSeconds * 1e3,
               timing.median / gemmSeconds, Double(peakRSSBytes) / 1_048_576, Double(scratchBytes) / 1_048_576)
    }
}
