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

    /// Packs `filter` (`[kh, kw, in, out]`).
    convenience init(_ filter: Tensor, isa: KernelISA) {
        precondition(filter.rank == 4, "internal: packing a filter of rank \(filter.rank)")
        self.init(shape: filter.shape, isa: isa)
        filter.withUnsafeBufferPointer { pack(from: $0.baseAddress!) }
    }

    /// Packs the HWIO filter of `shape` at `hwio`, straight from memory.
    convenience init(hwio: UnsafePointer<Float>, shape: [Int], isa: KernelISA) {
        self.init(shape: shape, isa: isa)
        pack(from: hwio)
    }

    private init(shape: [Int], isa: KernelISA) {
        self.isa = isa
        self.shape = shape
        count = ts_igemm_packed_count(isa.code, shape[0], shape[1], shape[2], shape[3])
        floats = .allocate(capacity: max(1, count))
    }

    private func pack(from hwio: UnsafePointer<Float>) {
        ts_igemm_pack_weights(isa.code, hwio, shape[0], shape[1], shape[2], shape[3], floats)
    }

    deinit { floats.deallocate() }
}

/// The packed form of one variable's value, remembered with the value's version.
struct PackedFilterCache: Sendable {
    var version: UInt64
    var packed: PackedFilter
}
