#if canImport(Glibc)
import Glibc
#endif

extension Tensor {
    /// The machine's physical memory in bytes (`sysconf`), read once.
    static let physicalMemoryBytes: Int = {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0, pages <= Int.max / size { return pages * size }
        #endif
        return Int.max
    }()

    /// The element count of `shape`, checked for negative dimensions, overflow, and for a
    /// float32 buffer larger than this machine's physical memory — which could only end in an
    /// aborted allocation. Every op that allocates an output from its arguments' sizes asks
    /// this first.
    static func allocatableCount(of shape: [Int], op: String) throws -> Int {
        let count = try elementCount(of: shape, op: op)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow, bytes <= physicalMemoryBytes else {
            throw TensorScopeError.invalidArgument(
                op, expected: "an output that fits in this machine's \(physicalMemoryBytes >> 20) MiB of memory",
                got: "shape \(shape) (\(overflow ? "more than Int.max" : "\(bytes >> 20) MiB") of float32)")
        }
        return count
    }
}
