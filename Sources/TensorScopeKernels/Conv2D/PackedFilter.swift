import CConvKernels
import Synchronization

/// An HWIO filter rearranged into the micro-kernels' layout: blocks of NR output channels, each
/// `[kh·kw][inChannels][NR]`, zero-padded past `outChannels`. Made once per filter value and
/// instruction set; a variable keeps its packed filter until its value changes.
package final class PackedFilter: @unchecked Sendable {
    package let isa: KernelISA
    package let shape: [Int]
    package let count: Int
    /// Written once in `init`, read-only afterwards (hence `@unchecked Sendable`).
    package let floats: UnsafeMutablePointer<Float>

    /// Packs the HWIO filter of `shape` at `hwio`, straight from memory.
    package convenience init(hwio: UnsafePointer<Float>, shape: [Int], isa: KernelISA) {
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

/// The layouts a filter is prepared in for the kernels: a new kernel family with its own
/// packing adds a case, so a filter packed for one is never handed to another.
package enum WeightLayout: Hashable, Sendable {
    /// HWIO in blocks of NR output channels (`PackedFilter`), for the indirect GEMM kernels.
    case igemmBlocks
    /// A depthwise `[kh, kw, c, 1]` filter in the same blocks, read as `[kh, kw, 1, c]`
    /// (`DepthwiseConv2D.pack`).
    case depthwiseBlocks
}

/// The prepared forms of one filter's value — a variable's — keyed by (layout, instruction
/// set, version of the value), so each is made once per value and reused by every convolution
/// that reads it until the value changes.
package final class PreparedWeights: Sendable {
    private struct Key: Hashable {
        let layout: WeightLayout
        let isa: KernelISA
        let version: UInt64
    }

    private let entries = Mutex<[Key: PackedFilter]>([:])

    package init() {}

    /// The form of `version` in `layout` for `isa`: the cached one, or `make()`'s, kept when
    /// `version` is still `currentVersion()` afterwards (a value replaced meanwhile is packed
    /// for this call only).
    package func packed(
        _ layout: WeightLayout, isa: KernelISA, version: UInt64, currentVersion: () -> UInt64,
        make: () -> PackedFilter
    ) -> PackedFilter {
        let key = Key(layout: layout, isa: isa, version: version)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let made = make()
        if currentVersion() == version {
            // Older versions are never asked for again: keep only this one's forms.
            entries.withLock { entries in
                entries = entries.filter { $0.key.version == version }
                entries[key] = made
            }
        }
        return made
    }

    /// Forgets every prepared form (the value changed).
    package func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
