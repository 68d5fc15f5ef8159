/// The one error type TensorScope throws.
///
/// `description` is the whole message. Tensor errors read
/// `"<op>: expected <what>, got <what>"`; scope and variable errors start with
/// TensorFlow 1.x's own wording (`"Variable a/b already exists, disallowed. …"`),
/// so a message can be matched against what TensorFlow prints.
public struct TensorScopeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that branch on the failure rather than read it.
    public enum Kind: Equatable, Sendable {
        /// A tensor argument has the wrong rank, shape, value or count.
        case invalidArgument
        /// `getVariable` would create a variable that exists, and reuse is off.
        case variableAlreadyExists
        /// `getVariable` under `reuse: true` names a variable that was never created.
        case variableDoesNotExist
        /// `getVariable` asks for an existing variable with another shape.
        case shapeMismatch
        /// `getVariable` got no usable shape and no initializer to take one from.
        case missingInitializer
        /// A scope, op or variable name is not one TensorFlow accepts.
        case invalidName
        /// A file could not be read, parsed or written.
        case io
    }

    /// What went wrong, for branching on.
    public let kind: Kind
    /// The whole message.
    public let description: String

    /// An error of `kind` with the whole message `description`.
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// `"<op>: expected <expected>, got <given>"` — the shape of every tensor-argument error.
    public static func invalidArgument(_ op: String, expected: String, got given: String) -> TensorScopeError {
        TensorScopeError(.invalidArgument, "\(op): expected \(expected), got \(given)")
    }
}
