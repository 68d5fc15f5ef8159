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
}
