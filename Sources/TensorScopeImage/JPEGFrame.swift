/// A JPEG's frame header (SOF), read from the file's markers before anything is decoded: what
/// a decoder will allocate depends on it, and TurboJPEG does not say.
struct JPEGFrame: Equatable {
    var width, height: Int
    var progressive: Bool
    /// Each component's horizontal and vertical sampling factors (1–4).
    var sampling: [(h: Int, v: Int)]

    static func == (a: JPEGFrame, b: JPEGFrame) -> Bool {
        a.width == b.width && a.height == b.height && a.progressive == b.progressive
            && a.sampling.map(\.h) == b.sampling.map(\.h) && a.sampling.map(\.v) == b.sampling.map(\.v)
    }

    /// The first frame header of `bytes`, walking the marker segments from SOI; nil when there
    /// is none before the first scan or the markers are broken (the decoder then reports it).
    static func read(_ bytes: UnsafeRawBufferPointer) -> JPEGFrame? {
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill bytes
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { return nil }
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                let s = i + 4
                guard length >= 8 else { return nil }
                let count = Int(bytes[s + 5])
                guard count >= 1, length >= 8 + 3 * count else { return nil }
                let sampling = (0..<count).map { k -> (h: Int, v: Int) in
                    let factors = bytes[s + 7 + 3 * k]
                    return (h: max(1, Int(factors >> 4)), v: max(1, Int(factors & 15)))
                }
                return JPEGFrame(
                    width: Int(bytes[s + 3]) << 8 | Int(bytes[s + 4]), height: Int(bytes[s + 1]) << 8 | Int(bytes[s + 2]),
                    progressive: [0xC2, 0xC6, 0xCA, 0xCE].contains(marker), sampling: sampling)
            case 0xDA, 0xD9:
                return nil
            default:
                i += 2 + length
            }
        }
        return nil
    }

    /// Bytes of DCT coefficients a progressive decode keeps for the whole image, whatever the
    /// output scale (libjpeg's whole-image coefficient arrays): per component, its blocks —
    /// rounded up to whole MCUs — times 64 coefficients of 2 bytes.
    var coefficientBytes: Int {
        let maxH = sampling.map(\.h).max() ?? 1, maxV = sampling.map(\.v).max() ?? 1
        let mcuColumns = (width + 8 * maxH - 1) / (8 * maxH), mcuRows = (height + 8 * maxV - 1) / (8 * maxV)
        return sampling.reduce(0) { total, factors in
            total + mcuColumns * factors.h * mcuRows * factors.v * 64 * 2
        }
    }
}
