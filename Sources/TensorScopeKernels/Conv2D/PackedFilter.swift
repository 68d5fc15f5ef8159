import CConvKernels
import Synchronization

/// A filter prepared for a kernel family: for the micro-kernels, an HWIO filter rearranged into
/// blocks of NR output channels, each `[kh·kw][inChannels][NR]`, zero-padded past
/// `outChannels`; for Winograd, its transformed filter. Made once per filter value, layout and
/// instruction set; a variable keeps its prepared forms until its value changes.
package final class PackedFilter: @unchecked Sendable {
    /// The instruction set the layout is for; nil for a layout that does not depend on one.
    package let isa: KernelISA?
    package let shape: [Int]
    package let count: Int
    /// Written once in `init`, read-only afterwards (hence `@unchecked Sendable`).
    package let floats: UnsafeMutablePointer<Float>

    /// Packs the HWIO filter of `shape` at `hwio`, straight from memory.
    package convenience init(hwio: UnsafePointer<Float>, shape: [Int], isa: KernelISA) {
        self.init(shape: shape, isa: isa, count: ts_igemm_packed_count(isa.code, shape[0], shape[1], shape[2], shape[3]))
        ts_igemm_pack_weights(isa.code, hwio, shape[0], shape[1], shape[2], shape[3], floats)
    }

    /// Winograd F(4 × 4, 3 × 3)'s transformed filter of the `[3, 3, in, out]` filter at `hwio`,
    /// in blocks of `isa`'s NR output channels (`ts_winograd_f43_pack_filter`).
    package convenience init(winogradF43 hwio: UnsafePointer<Float>, shape: [Int], isa: KernelISA) {
        self.init(shape: shape, isa: isa, count: ts_winograd_f43_packed_count(isa.code, shape[2], shape[3]))
        transformInParallel(channels: shape[2]) { ts_winograd_f43_pack_filter(isa.code, hwio, shape[2], shape[3], $0, $1, $2) }
    }

    /// Winograd F(2 × 2, 5 × 5)'s (`tile` 2) or F(3 × 3, 5 × 5)'s (`tile` 3) transformed filter
    /// of the `[5, 5, in, out]` filter at `hwio`, in blocks of `isa`'s NR output channels
    /// (`ts_winograd_5x5_pack_filter`).
    package convenience init(winograd5x5 hwio: UnsafePointer<Float>, tile: Int, shape: [Int], isa: KernelISA) {
        self.init(shape: shape, isa: isa, count: ts_winograd_5x5_packed_count(isa.code, tile, shape[2], shape[3]))
        transformInParallel(channels: shape[2]) {
            ts_winograd_5x5_pack_filter(isa.code, tile, hwio, shape[2], shape[3], $0, $1, $2)
        }
    }

    /// Runs a Winograd filter transform over the workers in ranges of input channels: a filter
    /// that is not a variable's is transformed on every call (a deep layer's 256 × 256 take
    /// 10⁷ multiply-adds).
    private func transformInParallel(channels: Int, _ transform: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        let piece = 16
        let floats = floats
        _ = TileScheduler(tileCount: (channels + piece - 1) / piece, maxWorkers: Workers.count).run { next in
            while let index = next() { transform(index * piece, min(channels, (index + 1) * piece), floats) }
            return true
        }
    }

    private init(shape: [Int], isa: KernelISA?, count: Int) {
        self.isa = isa
        self.shape = shape
        self.count = count
        floats = .allocate(capacity: max(1, count))
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
    /// Winograd F(4 × 4, 3 × 3)'s transformed filter in blocks of NR output channels
    /// (`WinogradF43`).
    case winogradF43
    /// Winograd F(2 × 2, 5 × 5)'s transformed filter in blocks of NR output channels
    /// (`Winograd5x5` with 2 × 2 tiles).
    case winogradF25
    /// Winograd F(3 × 3, 5 × 5)'s transformed filter in blocks of NR output channels
    /// (`Winograd5x5` with 3 × 3 tiles).
    case winogradF35
}

/// The prepared forms of one filter's value — a variable's — keyed by (layout, instruction
/// set, version of the value), so each is made once per value and reused by every convolution
/// that reads it until the value changes.
package final class PreparedWeights: Sendable {
    private struct Key: Hashable {
        let layout: WeightLayout
        let isa: KernelISA?
        let version: UInt64
    }

    private let entries = Mutex<[Key: PackedFilter]>([:])

    package init() {}

    /// The form of `version` in `layout` for `isa`: the cached one, or `make()`'s, kept when
    /// `version` is still `currentVersion()` afterwards (a value replaced meanwhile is packed
    /// for this call only).
    package func packed(
        _ layout: WeightLayout, isa: KernelISA?, version: UInt64, currentVersion: () -> UInt64,
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
