@testable import TensorScopeGraph

/// The op registry's tables, for tests.
enum OpRegistryAccess {
    static var inputCountTypes: [String] { Array(OpRegistry.inputCounts.keys) }
    static var definitionTypes: [String] { Array(OpRegistry.definitions.keys) }
}
