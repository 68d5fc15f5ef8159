import TensorScopeKernels
import Foundation

extension Graph {
    /// Writes every global variable to a safetensors file, keyed by its name
    /// (`image_filters/conv1/weights`), as float32.
    ///
    /// The values are read together inside `readingVariables`, so a restore running meanwhile
    /// is saved whole or not at all: the file is always one state of the graph.
    ///
    /// - Throws: `.io` naming `path` when it cannot be written. The file is written with
    ///   `AtomicFile`: never half a checkpoint, an existing file's permissions kept, a symbolic
    ///   link written through.
    public func saveVariables(to path: String) throws {
        let tensors = readingVariables {
            Dictionary(globalVariables.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        try SafeTensors.write(tensors, metadata: ["producer": "TensorScope"], to: path)
    }

    /// Replaces the value of every global variable with the tensor of the same name in a
    /// safetensors file.
    ///
    /// Strict: the file must hold exactly one `F32` (or `F16`) tensor per variable, with the variable's
    /// shape. A missing key, an extra key, a shape or dtype mismatch, a truncated file or a bad
    /// header is an error naming the key or the fault, and then no variable is changed.
    ///
    /// All values change at once: forward passes inside `readingVariables` see either the old
    /// values or the new ones, never some of each. Calling this inside `readingVariables` is
    /// an error.
    public func restoreVariables(from path: String) throws {
        try replaceVariableValues(operation: "restoreVariables", source: path) { expected in
            try SafeTensors.read(path, expecting: expected)
        }
    }

    /// Replaces the value of every global variable with the tensor `read` returns under its
    /// name, all at once under the values lock (forward passes see the old values or the new).
    /// `read` gets each variable's name and shape and must return exactly those, or throw —
    /// then no variable changes. For the restores from files.
    package func replaceVariableValues(
        operation: String, source: String, read: ([String: [Int]]) throws -> [String: Tensor]
    ) throws {
        guard Graph.readingDepth == 0 else {
            throw TensorScopeError(.invalidArgument, "\(operation): \(source): called inside readingVariables, which it would wait for")
        }
        let variables = globalVariables
        guard !variables.isEmpty else {
            throw TensorScopeError(
                .invalidArgument,
                "\(operation): \(source): the graph has no variables yet; create them first (run the model once), "
                    + "or use setInitialValues to create them from the checkpoint")
        }
        let expected = Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0.shape) })
        let tensors = try read(expected)
        let values = try variables.map { variable in
            guard let value = tensors[variable.name], value.shape == variable.shape, !value.isSymbolic else {
                throw TensorScopeError(.invalidArgument, "\(operation): \(source): no value of shape \(variable.shape) for \(variable.name)")
            }
            return value
        }
        try valuesLock.writing {
            for (variable, value) in zip(variables, values) { try variable.assign(value) }
        }
    }

    /// Makes `getVariable` create the variables named in `values` from those tensors instead of
    /// their initializers (TensorFlow's `init_from_checkpoint`): for loading weights before the
    /// first forward pass creates the variables. A shape that differs from the one `getVariable`
    /// asks for is an error at that call.
    ///
    /// A name that no `getVariable` ever asks for is not an error here (the variables do not
    /// exist yet); `unusedInitialValueKeys()` lists them once the model has run, to catch a
    /// misspelled key as TensorFlow's `init_from_checkpoint` would.
    public func setInitialValues(_ values: [String: Tensor]) {
        state.withLock { $0.initialValues.merge(values) { _, new in new } }
    }

    /// The names given to `setInitialValues(_:)` that no variable was created from, sorted.
    public func unusedInitialValueKeys() -> [String] {
        state.withLock { state in state.initialValues.keys.filter { state.store[$0] == nil }.sorted() }
    }
}
