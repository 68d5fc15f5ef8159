/// Where a NaN or an infinity is, for the message of an op that found one.
package enum Finiteness {
    /// The index of the first NaN or infinity in `values`, if any. For a buffer, not generic:
    /// called from another module, a generic version runs unspecialised (1.5 k instructions for
    /// a 32-float bias, checked on every run of a Session).
    package static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        for i in values.indices where !values[i].isFinite { return i }
        return nil
    }
}
