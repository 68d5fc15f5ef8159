import TensorScopeKernels
/// A variable scope's reuse mode: TensorFlow's `reuse=None/False`, `True`, `tf.AUTO_REUSE`.
///
/// Also writable as a Boolean literal: `reuse: true` is `.reuse`, `reuse: false` is `.inherit`
/// (TensorFlow treats `False` as `None`).
public enum Reuse: Sendable, Equatable, ExpressibleByBooleanLiteral, CustomStringConvertible {
    /// Take the enclosing scope's mode; at the root, create-only.
    case inherit
    /// `getVariable` returns existing variables and fails for missing ones.
    case reuse
    /// `getVariable` returns a variable when it exists and creates it otherwise.
    case autoReuse

    /// `.reuse` for `true`, `.inherit` for `false`.
    public init(booleanLiteral value: Bool) {
        self = value ? .reuse : .inherit
    }

    /// `.reuse` for `true`, `.inherit` for `false`.
    public init(_ value: Bool) {
        self.init(booleanLiteral: value)
    }

    /// Python truthiness: everything but `.inherit` switches reuse on.
    var isOn: Bool { self != .inherit }

    /// TensorFlow's `given or parent`: a scope can switch reuse on but never off.
    func or(_ parent: Reuse) -> Reuse { isOn ? self : parent }

    /// The setting as a scope prints it: `true`, `autoReuse`, or `false` when inherited.
    public var description: String {
        switch self {
        case .inherit: "false"
        case .reuse: "true"
        case .autoReuse: "autoReuse"
        }
    }
}
