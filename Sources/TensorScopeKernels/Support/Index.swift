/// Row-major index arithmetic for error messages and tests.
package enum Index {
    /// The multi-index of flat position `flat` in a tensor of `shape`.
    package static func unflatten(_ flat: Int, shape: [Int]) -> [Int] {
        var rest = flat
        var index = Array(repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
