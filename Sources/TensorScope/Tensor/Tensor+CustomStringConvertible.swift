extension Tensor: CustomStringConvertible {
    /// `Tensor(shape: [2, 3], scalars: [1.0, 2.0, …])`, eliding after eight elements so
    /// printing a feature map does not flood the terminal.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        let more = scalars.count > 8 ? ", … (\(scalars.count) in all)" : ""
        return "Tensor(shape: \(shape), scalars: [\(shown)\(more)])"
    }
}
