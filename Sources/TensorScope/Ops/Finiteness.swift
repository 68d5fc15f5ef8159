/// Fast scans for NaN and infinity.
enum Finiteness {
    /// True when no element of `values[0..<count]` is NaN or infinite.
    ///
    /// `x · 0` is `0` for every finite `x` and NaN otherwise, so one multiply-add per
    /// element in 16-wide lanes finds either without a branch.
    static func allFinite(_ values: UnsafePointer<Float>, count: Int) -> Bool {
        var lanes = SIMD16<Float>()
        var i = 0
        values.withMemoryRebound(to: UInt8.self, capacity: count * 4) { bytes in
            let raw = UnsafeRawPointer(bytes)
            while i + 16 <= count {
                lanes += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * 0
                i += 16
            }
        }
        var tail: Float = 0
        while i < count {
            tail += values[i] * 0
            i += 1
        }
        return lanes.sum() == 0 && tail == 0
    }

    /// The index of the first NaN or infinity in `values`, if any.
    static func firstNonFinite(_ values: [Float]) -> Int? {
        values.firstIndex { !$0.isFinite }
    }
}
