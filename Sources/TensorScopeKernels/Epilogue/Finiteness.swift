/// Where a NaN or an infinity is, for the message of an op that found one.
package enum Finiteness {
    /// The index of the first NaN or infinity in `values`, if any.
    package static func firstNonFinite(_ values: some Collection<Float>) -> Int? {
        var i = 0
        for v in values {
            if !v.isFinite { return i }
            i += 1
        }
        return nil
    }

    /// The same for a buffer, written for it: called from another module, the generic version
    /// runs unspecialised (1.5 k instructions for a 32-float bias, checked on every run of a
    /// Session).
    package static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        for i in values.indices where !values[i].isFinite { return i }
        return nil
    }
}
