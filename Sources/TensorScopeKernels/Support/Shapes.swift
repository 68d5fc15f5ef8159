#if canImport(Glibc)
import Glibc
#endif

/// Element counts of shapes, checked before anything is allocated: every op that sizes a
/// buffer from its arguments asks here first.
package enum Shapes {
    /// The product of `shape`, checked for negative dimensions and overflow.
    package static func elementCount(of shape: [Int], op: String) throws -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw TensorScopeError.invalidArgument(op, expected: "non-negative dimensions", got: "shape \(shape)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw TensorScopeError.invalidArgument(op, expected: "an element count that fits in Int", got: "shape \(shape)")
            }
            count = product
        }
        return count
    }

    /// The machine's physical memory in bytes (`sysconf`), read once.
    package static let physicalMemoryBytes: Int = {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0, pages <= Int.max / size { return pages * size }
        #endif
        return Int.max
    }()

    /// The element count of `shape`, checked as `elementCount` does and for a float32 buffer
    /// larger than this machine's physical memory — which could only end in an aborted
    /// allocation.
    package static func allocatableCount(of shape: [Int], op: String) throws -> Int {
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
