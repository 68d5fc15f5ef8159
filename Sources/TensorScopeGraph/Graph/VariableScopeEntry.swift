import TensorScopeKernels
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
            // Choosing the unique name and counting it happen under one lock, so concurrent
            // tasks never both take `d_3`.
            scopeName = graph.claimUniqueVariableScopeName(defaultName, in: parent)
        }
        let fullName = parent.name.isEmpty ? scopeName : parent.name + "/" + scopeName
        scope = VariableScope(
            name: fullName,
            reuse: reuse.or(parent.reuse),
            initializer: initializer ?? parent.initializer,
            originalNameScope: openedNameScope ?? scopeName)
        if name != nil { graph.state.withLock { $0.variableScopeCounts[fullName, default: 0] += 1 } }
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
        // TF restores the whole count table when a re-entered scope closes. Only the counts of
        // this scope and the scopes below it can change inside the block (a scope object
        // re-entered further inside restores its own on leaving), so restoring just those is
        // the same — and leaves other tasks' counts alone.
        let name = reopened.name
        let saved = graph.state.withLock { state in
            let before = state.variableScopeCounts.filter { Self.isWithin($0.key, name) }
            state.variableScopeCounts[name, default: 0] += 1
            return before
        }
        context = outer.with(nameStack: stack, variableScope: scope)
        exitAction = {
            graph.state.withLock { state in
                for key in state.variableScopeCounts.keys where Self.isWithin(key, name) {
                    state.variableScopeCounts[key] = saved[key]
                }
            }
        }
    }
}

extension VariableScopeEntry {
    /// Whether scope `key` is `name` or below it (every key when `name` is the root).
    static func isWithin(_ key: String, _ name: String) -> Bool {
        name.isEmpty || key == name || key.hasPrefix(name + "/")
    }
}

extension Graph {
    /// TF's `_get_unique_variable_scope` and the count `_pure_variable_scope` then adds, in one
    /// step: `prefix`, or `prefix_1`, `prefix_2`, … when a scope of that full name has been
    /// opened (and not closed away) inside `parent`.
    func claimUniqueVariableScopeName(_ prefix: String, in parent: VariableScope) -> String {
        let base = parent.name.isEmpty ? prefix : parent.name + "/" + prefix
        return state.withLock { state in
            var name = prefix, full = base
            if state.variableScopeCounts[base, default: 0] > 0 {
                var index = 1
                while state.variableScopeCounts["\(base)_\(index)", default: 0] > 0 { index += 1 }
                (name, full) = ("\(prefix)_\(index)", "\(base)_\(index)")
            }
            state.variableScopeCounts[full, default: 0] += 1
            return name
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
