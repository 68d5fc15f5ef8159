extension Graph {
    /// Records an op of `type` in the default graph under the current name scope, named as
    /// TensorFlow would name it (`image_filters_1/conv1/Conv2D`). Called by every op after it
    /// succeeded, so a failed op records nothing.
    static func recordOperation(type: String, inputs: [[Int]], output: [Int]) {
        let context = ScopeContext.current
        let fullName = context.nameStack.isEmpty ? type : context.nameStack + "/" + type
        context.graph.state.withLock { state in
            guard state.recordsOperations else { return }
            let name = state.uniqueName(fullName)
            state.operations.append(Operation(name: name, type: type, inputShapes: inputs, outputShape: output))
        }
    }
}
