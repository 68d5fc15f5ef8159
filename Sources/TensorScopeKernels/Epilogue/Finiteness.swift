/// Finding the NaN or infinity a convolution's epilogue reported (the epilogue itself detects
/// them, 16 lanes at a time, while the output tile is in cache).
package enum Finiteness {
    /// The index of the first NaN or infinity in `values`, if any.
    package static func firstNonFinite(_ values: [Float]) -> Int? {
        values.firstIndex { !$0.isFinite }
    }
}
