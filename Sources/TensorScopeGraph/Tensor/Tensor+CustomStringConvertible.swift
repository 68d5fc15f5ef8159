import TensorScopeKernels
extension Tensor: CustomStringConvertible {
    /// As NumPy and TensorFlow print an array: nested brackets, one row per line, long axes
    /// cut to their first and last three entries with `...`, then the shape:
    ///
    /// ```
    /// [[1.0, 2.0, 3.0],
    ///  [4.0, 5.0, 6.0]] shape=[2, 3]
    /// ```
    ///
    /// A symbolic tensor prints as TensorFlow prints a graph tensor:
    /// `Tensor("images:0", shape=(?, 224, 224, 3), dtype=float32)`.
    public var description: String {
        if isSymbolic {
            let node = opName.map { $0.contains(":") ? $0 : $0 + ":0" } ?? "?"
            let dims = shape.map { $0 < 0 ? "?" : String($0) }
            let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
            return "Tensor(\"\(node)\", shape=\(tuple), dtype=float32)"
        }
        return "\(Tensor.format(scalars, shape: shape[...], offset: 0, depth: 0)) shape=\(shape)"
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
