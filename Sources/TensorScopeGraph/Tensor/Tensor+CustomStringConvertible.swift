import TensorScopeKernels
extension Tensor: CustomStringConvertible {
    /// As NumPy and TensorFlow print an array: nested brackets, one row per line, long axes
    /// cut to their first and last three entries with `...`, then the shape:
    ///
    /// ```
    /// [[1.0, 2.0, 3.0],
    ///  [4.0, 5.0, 6.0]] shape=[2, 3]
    /// ```
    public var description: String {
        "\(Tensor.format(scalars, shape: shape[...], offset: 0, depth: 0)) shape=\(shape)"
    }

    /// Axes longer than this are shown as their first and last `edge` entries.
    private static let summariseAbove = 6
    private static let edge = 3

    private static func format(_ values: [Float], shape: ArraySlice<Int>, offset: Int, depth: Int) -> String {
        guard let size = shape.first else { return "\(values[offset])" }
        let stride = shape.dropFirst().reduce(1, *)
        let shown: [Int?] = size > summariseAbove
            ? Array(0..<edge) + [nil] + Array((size - edge)..<size)
            : Array(0..<size)
        let parts = shown.map { index -> String in
            guard let index else { return "..." }
            return format(values, shape: shape.dropFirst(), offset: offset + index * stride, depth: depth + 1)
        }
        let separator = shape.count > 1 ? ",\n" + String(repeating: " ", count: depth + 1) : ", "
        return "[" + parts.joined(separator: separator) + "]"
    }
}
