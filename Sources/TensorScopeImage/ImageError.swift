import TensorScope

extension TensorScopeError {
    /// An image I/O error: `"<op>: <file>: <what went wrong>"`.
    static func image(_ op: String, _ path: String, _ what: String) -> TensorScopeError {
        TensorScopeError(.io, "\(op): \(path): \(what)")
    }
}
