/// The three ways TensorFlow 1.x programs share a model's variables between calls.
public enum SharingMethod: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// A second scope of the same name opened with `reuse: true`:
    /// `variableScope("image_filters", reuse: true) { … }`. Ops of the second call are named
    /// under `image_filters_1/`.
    case reuseTrue = 1
    /// `scope.reuseVariables()` inside the first scope, the second call in the same block. The
    /// inner scopes of the second call get the suffix (`image_filters/conv1_1/`).
    case reuseVariables = 2
    /// The captured scope object re-entered: `variableScope(captured, reuse: true) { … }`.
    /// Ops of the second call are named under `image_filters_1/`.
    case scopeObject = 3

    /// The TensorScope call that shares the variables: `scope.reuseVariables()`, ….
    public var description: String {
        switch self {
        case .reuseTrue: "variableScope(\"image_filters\", reuse: true)"
        case .reuseVariables: "scope.reuseVariables()"
        case .scopeObject: "variableScope(capturedScope, reuse: true)"
        }
    }
}
