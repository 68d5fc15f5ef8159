import CMalloc
import Foundation

/// Process-wide allocator settings for programs whose memory is mostly tensors.
public enum Memory {
    /// Makes glibc's `malloc` keep and reuse the memory of freed tensors (`mallopt`:
    /// `M_MMAP_MAX = 0`, `M_TRIM_THRESHOLD = INT_MAX`, and `M_ARENA_MAX = 1` so that all threads
    /// share one heap), as TensorFlow's and ONNX Runtime's arena allocators do.
    ///
    /// By default glibc serves every block over 32 MiB with a fresh `mmap` and unmaps it on
    /// `free`, so each forward pass of `my_image_filter` on 8 × 224 × 224 images faults in
    /// 2 × 51 MB of new pages, which the kernel zeroes first: measured at about a fifth of the
    /// CPU time of that pass. With this setting the second pass reuses the first one's pages.
    ///
    /// The cost: memory freed by the program stays with the process, so resident memory stays
    /// at its peak — one peak for the process: with glibc's default heap per thread, a decode
    /// thread and the forward pass would each keep their own (image-filter on 12-megapixel
    /// JPEGs: 271–293 MiB with a heap per thread, 244 MiB with one). Call it first thing in `main()` of a program that runs many forward passes;
    /// TensorScope's executables do. A library should not call it on its users' behalf.
    ///
    /// - Returns: `true` when the C library accepted the settings (glibc does).
    @discardableResult
    public static func retainFreedBuffers() -> Bool {
        tensorscope_retain_freed_memory() == 1
    }

    /// Returns the memory malloc holds but the program has freed to the kernel
    /// (`malloc_trim(0)`), for a program that kept freed buffers with `retainFreedBuffers()` and
    /// is done with a burst of large tensors.
    public static func releaseFreedBuffers() {
        tensorscope_release_freed_memory()
    }

    /// This process's resident memory now (`VmRSS` of `/proc/self/status`), in bytes; 0 where
    /// it cannot be read.
    public static func residentBytes() -> Int { statusBytes("VmRSS") }

    /// This process's peak resident memory so far (`VmHWM`), in bytes; 0 where it cannot be read.
    public static func peakResidentBytes() -> Int { statusBytes("VmHWM") }

    /// Resident and peak resident memory from one read of `/proc/self/status`, where the kernel
    /// reports the peak as at least the resident figure. Two reads are not ordered so: the
    /// kernel raises its stored peak lazily and keeps recent page counts per thread or CPU,
    /// while other threads allocate and free between the reads.
    package static func residentAndPeakBytes() -> (resident: Int, peak: Int) {
        let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        return (statusBytes("VmRSS", in: status), statusBytes("VmHWM", in: status))
    }

    /// A figure of `/proc/self/status`, given there in KiB, in bytes.
    private static func statusBytes(_ key: String) -> Int {
        statusBytes(key, in: try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))
    }

    private static func statusBytes(_ key: String, in status: String?) -> Int {
        guard let status, let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kib * 1024
    }
}
