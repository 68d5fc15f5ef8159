import CConvKernels

/// An HWIO filter rearranged into the micro-kernels' layout: blocks of NR output channels, each
/// `[kh·kw][inChannels][NR]`, zero-padded past `outChannels`. Made once per filter value and
/// instruction set; a variable keeps its packed filter until its value changes.
final class PackedFilter: @unchecked Sendable {
    let isa: KernelISA
    let shape: [Int]
    let count: Int
    /// Written once in `init`, read-only afterwards (hence `@unchecked Sendable`).
    let floats: UnsafeMutablePointer<Float>

    init(_ filter: Tensor, isa: KernelISA) {
        precondition(filter.rank == 4, "internal: packing a filter of rank \(filter.rank)")
        self.isa = isa
        shape = filter.shape
        let (kh, kw, ci, co) = (filter.shape[0], filter.shape[1], filter.shape[2], filter.shape[3])
        count = ts_igemm_packed_count(isa.code, kh, kw, ci, co)
        floats = .allocate(capacity: max(1, count))
        filter.withUnsafeBufferPointer { hwio in
            ts_igemm_pack_weights(isa.code, hwio.baseAddress, kh, kw, ci, co, floats)
        }
    }

    deinit { floats.deallocate() }
}

/// The packed form of one variable's value, remembered with the value's version.
struct PackedFilterCache: Sendable {
    var version: UInt64
    var packed: PackedFilter
}
