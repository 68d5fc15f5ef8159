import Foundation

/// TensorFlow's standard collection names (`tf.compat.v1.GraphKeys`), for `getCollection` and
/// `addToCollection`.
public enum GraphKeys {
    /// Every variable (`tf.global_variables()`): `"variables"`.
    public static let globalVariables = "variables"
    /// The variables a training step updates: `"trainable_variables"`.
    public static let trainableVariables = "trainable_variables"
    /// Variables local to one process: `"local_variables"`.
    public static let localVariables = "local_variables"
    /// Ops to run before a training step (batch norm's moving averages): `"update_ops"`.
    public static let updateOps = "update_ops"
    /// Losses to add up: `"losses"`.
    public static let losses = "losses"
    /// Regularisation terms: `"regularization_losses"`.
    public static let regularizationLosses = "regularization_losses"
    /// Summaries: `"summaries"`.
    public static let summaries = "summaries"
}

extension Graph {
    /// Adds `value` to the collection `name` of this graph, as `graph.add_to_collection`.
    public func addToCollection(_ name: String, _ value: any Sendable) {
        state.withLock { $0.collections[name, default: []].append(value) }
    }

    /// The collection `name` in insertion order, as `graph.get_collection(name, scope)`: the
    /// variables for `GraphKeys.globalVariables` and `GraphKeys.trainableVariables` (then
    /// whatever else was added under those names), the values added otherwise.
    ///
    /// - Parameters:
    ///   - name: the collection's key (`GraphKeys` has TensorFlow's).
    ///   - scope: TensorFlow's rule: a regular expression matched at the start of each item's
    ///     name — a variable's `"conv1/weights:0"`, a tensor's producing op — so `"conv1"`
    ///     selects `conv1/…` (and `conv10/…`, as in TensorFlow; `"conv1/"` does not). Items
    ///     without a name are left out when a scope is given. An invalid expression selects
    ///     nothing.
    public func getCollection(_ name: String, scope: String? = nil) -> [any Sendable] {
        let items: [any Sendable] = state.withLock { state in
            let variables: [any Sendable] =
                name == GraphKeys.globalVariables ? state.globalVariables
                : name == GraphKeys.trainableVariables ? state.trainableVariables : []
            return variables + (state.collections[name] ?? [])
        }
        guard let scope else { return items }
        guard let pattern = try? NSRegularExpression(pattern: scope) else { return [] }
        return items.filter { item in
            let itemName: String? = switch item {
            case let variable as Variable: variable.tensorName
            case let tensor as Tensor: tensor.opName.map { $0 + ":0" }
            case let operation as GraphOperation: operation.name
            default: nil
            }
            guard let itemName else { return false }
            return pattern.firstMatch(in: itemName, options: .anchored, range: NSRange(itemName.startIndex..., in: itemName)) != nil
        }
    }
}

/// Adds `value` to the default graph's collection `name` (`tf.add_to_collection`).
public func addToCollection(_ name: String, _ value: any Sendable) {
    Graph.current.addToCollection(name, value)
}

/// The default graph's collection `name`, filtered by `scope` as `Graph.getCollection` does
/// (`tf.get_collection`).
public func getCollection(_ name: String, scope: String? = nil) -> [any Sendable] {
    Graph.current.getCollection(name, scope: scope)
}

/// The default graph's trainable variables in creation order, as `tf.trainable_variables(scope)`;
/// `scope` as for `getCollection`.
public func trainableVariables(scope: String? = nil) -> [Variable] {
    getCollection(GraphKeys.trainableVariables, scope: scope).compactMap { $0 as? Variable }
}

/// All of the default graph's variables in creation order, as `tf.global_variables(scope)`;
/// `scope` as for `getCollection`.
public func globalVariables(scope: String? = nil) -> [Variable] {
    getCollection(GraphKeys.globalVariables, scope: scope).compactMap { $0 as? Variable }
}
