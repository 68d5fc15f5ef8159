import Foundation

/// One case's numbers, as a table line or as one JSON object (keys listed in the README).
struct BenchResult: Encodable {
    var name: String
    var description: String
    var batch: Int
    var flops: Double
    var timing: Timing
    /// The `sgemm` calls the im2col algorithm makes for these shapes, timed alone (no im2col
    /// copy, no epilogue): for the im2col path, how far the whole convolution is from its
    /// GEMMs; for TensorScope's own kernels, how they compare with OpenBLAS's bare `sgemm`.
    var gemmSeconds: Double
    var peakRSSBytes: Int
    var scratchBytes: Int
    var modelBytes: Int
    var kernel: String
    var threads: Int
    var algorithm: String
    /// The instruction set of the kernels that ran: `avx512`/`avx2` for TensorScope's own,
    /// `openblas-<kernel>` for im2col + OpenBLAS.
    var isa: String
    /// The measured FMA peak of the machine (PeakFLOPS), when it could be measured.
    var peakGFLOPS: Double? = nil

    var gflops: Double { flops / timing.median / 1e9 }
    var imagesPerSecond: Double { Double(batch) / timing.median }

    enum CodingKeys: String, CodingKey {
        case name, description, batch, flops, gflops, seconds, min_seconds, gemm_seconds, gemm_gflops
        case images_per_second, peak_rss_bytes, scratch_bytes, model_bytes, peak_over_model, cores_busy
        case seconds_per_image, blas_kernel, threads, algorithm, isa, fraction_of_peak
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
        try c.encode(modelBytes, forKey: .model_bytes)
        try c.encode(Double(peakRSSBytes) / Double(modelBytes), forKey: .peak_over_model)
        try c.encode(timing.coresBusy, forKey: .cores_busy)
        try c.encode(timing.median / Double(batch), forKey: .seconds_per_image)
        try c.encode(kernel, forKey: .blas_kernel)
        try c.encode(threads, forKey: .threads)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(isa, forKey: .isa)
        if let peakGFLOPS { try c.encode(gflops / peakGFLOPS, forKey: .fraction_of_peak) }
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    var line: String {
        String(format: "%-22@ median %8.2f ms  min %8.2f ms  %6.1f GFLOP/s  %7.1f img/s  im2col sgemm alone %7.2f ms (total/sgemm %.2f)  cores busy %.2f  peak RSS %6.1f MiB (%.2f× model)  scratch %.2f MiB  %@ %@  %@ of peak",
               name as NSString, timing.median * 1e3, timing.min * 1e3, gflops, imagesPerSecond, gemmSeconds * 1e3,
               timing.median / gemmSeconds, timing.coresBusy, Double(peakRSSBytes) / 1_048_576,
               Double(peakRSSBytes) / Double(modelBytes), Double(scratchBytes) / 1_048_576, algorithm as NSString, isa as NSString,
               (peakGFLOPS.map { String(format: "%.0f%%", 100 * gflops / $0) } ?? "?") as NSString)
    }
}
