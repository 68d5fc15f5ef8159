/// Turning a decoder's stored channels (gray, gray+alpha, RGB, RGBA) into the channels asked
/// for: alpha is dropped, gray is replicated into R, G and B, colour becomes BT.601 luma.
/// Shared by every decoder.
enum ChannelConversion {
    /// `values` hold `stored` channels per pixel, of which the first `color` (1 or 3) are
    /// colour; the result holds `mode`'s channel count.
    static func convert(_ values: [Float], stored: Int, color: Int, to mode: ChannelMode)
        -> (values: [Float], channels: Int) {
        let target: Int = switch mode {
        case .native: color
        case .rgb: 3
        case .gray: 1
        }
        // Already the channels asked for (no alpha to drop): nothing to copy.
        if stored == target && color == target { return (values, target) }
        let pixels = values.count / stored
        var out = [Float](repeating: 0, count: pixels * target)
        for p in 0..<pixels {
            let s = p * stored
            switch (color, target) {
            case (1, 1): out[p] = values[s]
            case (1, 3): out[3 * p] = values[s]; out[3 * p + 1] = values[s]; out[3 * p + 2] = values[s]
            case (3, 3): out[3 * p] = values[s]; out[3 * p + 1] = values[s + 1]; out[3 * p + 2] = values[s + 2]
            default: out[p] = 0.299 * values[s] + 0.587 * values[s + 1] + 0.114 * values[s + 2]
            }
        }
        return (out, target)
    }
}
