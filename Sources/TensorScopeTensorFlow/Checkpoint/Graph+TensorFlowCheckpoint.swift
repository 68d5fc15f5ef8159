import TensorScopeGraph
import TensorScopeKernels

extension Graph {
    /// Replaces the value of every global variable with the tensor of the same name in a
    /// TensorFlow V2 checkpoint, as `tf.compat.v1.train.Saver().restore(sess, prefix)` does.
    ///
    /// Keys are variable names (`conv1/weights`), or, in a `tf.train.Checkpoint`, object paths
    /// read without their `/.ATTRIBUTES/VARIABLE_VALUE` ending. float32 is taken as stored;
    /// float16, bfloat16 and float64 are converted to float32.
    ///
    /// Strict, as `restoreVariables(from:)`: every variable without a key, every key without a
    /// variable, every shape that differs and every dtype that is not floating point is named,
    /// all in one error, and then no variable changes; so are checksum failures and damaged
    /// files. The training state TensorFlow saves beside a model is recognised and skipped:
    /// `global_step`, an optimizer's slots (`<variable>/Momentum`, `<variable>/Adam_1` — any
    /// `<variable>/<name>` of a variable of this graph), `beta1_power`/`beta2_power`, and
    /// `tf.train.Checkpoint`'s `save_counter`, object graph, `.OPTIMIZER_SLOT` and
    /// `optimizer/` entries.
    ///
    /// - Parameter prefix: the checkpoint's prefix, `dir/model.ckpt` for
    ///   `dir/model.ckpt.index` and `dir/model.ckpt.data-…`.
    public func restoreVariables(fromTensorFlowCheckpoint prefix: String) throws {
        let checkpoint = try TensorFlowCheckpoint(prefix: prefix)
        try replaceVariableValues(operation: "restoreVariables", source: prefix) { expected in
            try checkpoint.tensors(expecting: expected)
        }
    }

    /// Makes `getVariable` create variables from a TensorFlow V2 checkpoint's tensors instead
    /// of their initializers, as `tf.compat.v1.train.init_from_checkpoint(prefix,
    /// assignment_map)` does: for loading weights, under names of your choosing, before the
    /// first forward pass creates the variables.
    ///
    /// `assignmentMap` maps checkpoint names to graph names, as TensorFlow's does:
    /// `["old_scope/": "new_scope/"]` takes every tensor under `old_scope/` to the same name
    /// under `new_scope/`; `["old_scope/w": "new_scope/v"]` takes one tensor; `"/"` as a key is
    /// the checkpoint's root and as a value the graph's. An empty map (the default) takes every
    /// floating-point tensor under its own name. Training state (`global_step`, optimizer
    /// slots; see `restoreVariables(fromTensorFlowCheckpoint:)`) is left out of scope mappings.
    /// Variables created already are not changed (use `restoreVariables(fromTensorFlowCheckpoint:)`);
    /// `unusedInitialValueKeys()` lists names no variable was created from.
    ///
    /// - Throws: naming the key, when a mapped key or scope is not in the checkpoint, a mapped
    ///   tensor is not floating point, two keys map to one name, or a tensor cannot be read;
    ///   then nothing is set.
    public func setInitialValues(fromTensorFlowCheckpoint prefix: String, assignmentMap: [String: String] = [:]) throws {
        let checkpoint = try TensorFlowCheckpoint(prefix: prefix)
        let names = try checkpoint.graphNames(assignmentMap)
        var values: [String: Tensor] = [:]
        for (graphName, key) in names { values[graphName] = try checkpoint.tensor(key) }
        setInitialValues(values)
    }
}

extension TensorFlowCheckpoint {
    /// The name a key restores: the key, or an object path without its
    /// `/.ATTRIBUTES/VARIABLE_VALUE` ending.
    static func variableName(ofKey key: String) -> String {
        let suffix = "/.ATTRIBUTES/VARIABLE_VALUE"
        return key.hasSuffix(suffix) ? String(key.dropLast(suffix.count)) : key
    }

    /// Whether `name` is training state saved beside the model rather than one of its
    /// variables (given the variables there are).
    static func isTrainingState(_ name: String, variables: Set<String>) -> Bool {
        if ["global_step", "beta1_power", "beta2_power", "save_counter", "_CHECKPOINTABLE_OBJECT_GRAPH"].contains(name)
            || name.contains("/.OPTIMIZER_SLOT/") || name.hasPrefix("optimizer/") {
            return true
        }
        // An optimizer's slot is named after its variable: `<variable>/<slot name>`.
        guard let slash = name.lastIndex(of: "/") else { return false }
        return variables.contains(String(name[..<slash]))
    }

    /// One float32 tensor per name of `expected`, with that shape, keyed by name: what
    /// `Graph.restoreVariables(fromTensorFlowCheckpoint:)` assigns, for loading weights before
    /// the variables exist (pass them to `Graph.setInitialValues(_:)`).
    ///
    /// As strict as that restore, and matching keys the same way: every name without a key,
    /// every key without a name (training state aside), every shape that differs and every
    /// dtype that is not floating point is named in one error before any tensor is read.
    public func tensors(expecting expected: [String: [Int]]) throws -> [String: Tensor] {
        var keyOf: [String: String] = [:]
        var problems: [String] = []
        var unexpected: [String] = []
        for entry in entries {
            let name = Self.variableName(ofKey: entry.key)
            guard expected[name] != nil else {
                if !Self.isTrainingState(name, variables: Set(expected.keys)) { unexpected.append("unexpected key '\(entry.key)'") }
                continue
            }
            if let other = keyOf[name] {
                problems.append("keys '\(other)' and '\(entry.key)' both hold variable \(name)")
            }
            keyOf[name] = entry.key
        }
        problems = expected.keys.sorted().filter { keyOf[$0] == nil }.map { "missing key '\($0)'" } + unexpected + problems
        for name in expected.keys.sorted() {
            guard let key = keyOf[name], let entry = entry(key) else { continue }
            if entry.shape != expected[name]! {
                problems.append("key '\(key)': expected shape \(expected[name]!), got \(entry.shape)")
            }
            if !entry.isFloatingPoint {
                problems.append("key '\(key)': dtype \(entry.dtype), expected float32, float16, bfloat16 or float64")
            }
        }
        guard problems.isEmpty else { throw TensorScopeError(.io, "\(prefix): " + problems.joined(separator: "; ")) }
        var values: [String: Tensor] = [:]
        for (name, key) in keyOf { values[name] = try tensor(key) }
        return values
    }

    /// Graph name → checkpoint key under `assignmentMap`, as `init_from_checkpoint` reads it.
    func graphNames(_ assignmentMap: [String: String]) throws -> [String: String] {
        let names = Dictionary(entries.map { (Self.variableName(ofKey: $0.key), $0) }, uniquingKeysWith: { first, _ in first })
        let model = Set(names.keys)
        func isModelTensor(_ name: String) -> Bool {
            names[name]!.isFloatingPoint && !Self.isTrainingState(name, variables: model)
        }
        var result: [String: String] = [:]
        var problems: [String] = []
        func add(_ graphName: String, _ name: String) {
            if let other = result[graphName], other != names[name]!.key {
                problems.append("'\(other)' and '\(names[name]!.key)' both map to \(graphName)")
            }
            result[graphName] = names[name]!.key
        }
        let map = assignmentMap.isEmpty ? ["/": "/"] : assignmentMap
        for (from, to) in map.sorted(by: { $0.key < $1.key }) {
            if from == "/" || from.hasSuffix("/") {
                let scope = from == "/" ? "" : from
                let target = to == "/" ? "" : to
                guard target.isEmpty || target.hasSuffix("/") else {
                    problems.append("assignment '\(from)' → '\(to)': a scope maps to a scope, which ends in '/'")
                    continue
                }
                let matched = names.keys.sorted().filter { $0.hasPrefix(scope) && isModelTensor($0) }
                if matched.isEmpty { problems.append("no floating-point tensor under scope '\(from)'") }
                for name in matched { add(target + name.dropFirst(scope.count), name) }
            } else if let entry = names[from] {
                if entry.isFloatingPoint { add(to, from) } else {
                    problems.append("'\(entry.key)' holds \(entry.dtype), expected float32, float16, bfloat16 or float64")
                }
            } else {
                problems.append("no tensor named '\(from)'")
            }
        }
        guard problems.isEmpty else { throw TensorScopeError(.invalidArgument, "setInitialValues: \(prefix): " + problems.joined(separator: "; ")) }
        return result
    }
}
