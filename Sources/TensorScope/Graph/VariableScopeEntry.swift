/// Opening and closing one variable scope, step for step as TensorFlow's `variable_scope`
/// and `_pure_variable_scope` do it.
struct VariableScopeEntry {
    let context: ScopeContext
    let scope: VariableScope
    private let exitAction: @Sendable () -> Void

    /// Runs when the block ends: TF resets the scope counts below this scope.
    func exit() { exitAction() }

    /// `variable_scope(name_or_scope=name)` or, with `name == nil`, `variable_scope(None,
    /// default_name=defaultName)`.
    init(name: String?, defaultName: String?, reuse: Reuse, initializer: Initializer?) throws {
        let outer = ScopeContext.current
        let graph = outer.graph
        let parent = outer.variableScope
        let scopeName: String
        var stack = outer.nameStack
        var openedNameScope: String?
        if let name {
            scopeName = name
            if !name.isEmpty {
                (stack, openedNameScope) = try graph.openNameScope(name, under: outer.nameStack)
            }
        } else {
            guard let defaultName else {
                throw TensorScopeError(.invalidName, "If defaultName is nil then a scope name is required")
            }
            guard !reuse.isOn else {
                throw TensorScopeError(.invalidName, "reuse=True cannot be used without a name_or_scope")
            }
            (stack, openedNameScope) = try graph.openNameScope(defaultName, under: outer.nameStack)
            scopeName = graph.uniqueVariableScopeName(defaultName, in: parent)
        }
        let fullName = parent.name.isEmpty ? scopeName : parent.name + "/" + scopeName
        scope = VariableScope(
            name: fullName,
            reuse: reuse.or(parent.reuse),
            initializer: initializer ?? parent.initializer,
            originalNameScope: openedNameScope ?? scopeName)
        graph.state.withLock { $0.variableScopeCounts[fullName, default: 0] += 1 }
        context = outer.with(nameStack: stack, variableScope: scope)
        exitAction = { graph.closeVariableSubscopes(of: fullName) }
    }

    /// `variable_scope(scope_object)`: a fresh copy of `reopened`, with its full name, its
    /// reuse unless `reuse` switches it on, and its initializer unless one is given; the name
    /// scope opened is the last component of its name, relative to the current one.
    init(reopening reopened: VariableScope, reuse: Reuse, initializer: Initializer?) throws {
        let outer = ScopeContext.current
        let graph = outer.graph
        scope = VariableScope(
            name: reopened.name,
            reuse: reuse.isOn ? reuse : reopened.reuse,
            initializer: initializer ?? reopened.initializer,
            originalNameScope: reopened.originalNameScope)
        var stack = outer.nameStack
        if let last = reopened.name.split(separator: "/", omittingEmptySubsequences: false).last, !last.isEmpty {
            (stack, _) = try graph.openNameScope(String(last), under: outer.nameStack)
        }
        let saved = graph.state.withLock { state in
            state.variableScopeCounts[reopened.name, default: 0] += 1
            return state.variableScopeCounts
        }
        context = outer.with(nameStack: stack, variableScope: scope)
        exitAction = { graph.state.withLock { $0.variableScopeCounts = saved } }
    }
}

extension Graph {
    /// TF's `_get_unique_variable_scope`: `prefix`, or `prefix_1`, `prefix_2`, … when a scope of
    /// that full name has been opened (and not closed away) inside `parent`.
    func uniqueVariableScopeName(_ prefix: String, in parent: VariableScope) -> String {
        let base = parent.name.isEmpty ? prefix : parent.name + "/" + prefix
        return state.withLock { state in
            guard state.variableScopeCounts[base, default: 0] > 0 else { return prefix }
            var index = 1
            while state.variableScopeCounts["\(base)_\(index)", default: 0] > 0 { index += 1 }
            return "\(prefix)_\(index)"
        }
    }

    /// TF's `close_variable_subscopes`: forget the counts of scopes below `name`.
    func closeVariableSubscopes(of name: String) {
        let prefix = name + "/"
        state.withLock { state in
            for key in state.variableScopeCounts.keys where key.hasPrefix(prefix) {
                state.variableScopeCounts[key] = 0
            }
        }
    }
}
