import Foundation

// So `error.localizedDescription` shows the message instead of Foundation's
// generic "The operation could not be completed".
extension TensorScopeError: LocalizedError {
    /// The message, `description`.
    public var errorDescription: String? { description }
}
