import TensorScopeKernels
import Synchronization

/// A variable scope, as `tf.compat.v1.VariableScope`: the prefix `getVariable` names
/// variables with, its reuse mode and default initializer.
///
/// A reference type, like TensorFlow's: capture it in a `variableScope` closure and re-enter
/// it later with `variableScope(scope) { … }`; `reuseVariables()` changes this object only.
public final class VariableScope: Sendable, CustomStringConvertible {
    /// The full scope name, e.g. `"image_filters/conv1"`; `""` at the root.
    public let name: String
    /// The default initializer for `getVariable` calls inside, if set here or inherited.
    public let initializer: Initializer?
    /// The name scope the scope was first opened in, with a trailing `/` (TF's
    /// `original_name_scope`); `""` at the root.
    public let originalNameScope: String
    private let reuseMode: Mutex<Reuse>

    init(name: String, reuse: Reuse, initializer: Initializer?, originalNameScope: String) {
        self.name = name
        self.initializer = initializer
        self.originalNameScope = originalNameScope
        self.reuseMode = Mutex(reuse)
    }

    /// The scope's reuse mode: `.inherit` means "create only" (`reuse == false`), `.reuse`
    /// (`== true`) or `.autoReuse`.
    public var reuse: Reuse { reuseMode.withLock { $0 } }

    /// Switches this scope to `.reuse`, as `scope.reuse_variables()`: for the rest of its block
    /// and for scopes opened inside it afterwards. Other scope objects are not affected.
    public func reuseVariables() {
        reuseMode.withLock { $0 = .reuse }
    }

    /// The scope's name and reuse setting: `VariableScope(name: "image_filters", reuse: True)`.
    public var description: String { "VariableScope(name: \"\(name)\", reuse: \(reuse))" }
}
