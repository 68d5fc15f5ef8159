import TensorScopeKernels

/// Every op type the graph can compute, by `NodeDef` type. A new op adds its definition here.
enum OpRegistry {
    static let definitions: [String: OpDefinition] = Dictionary(uniqueKeysWithValues: [
        conv2DDefinition, biasAddDefinition, reluDefinition, sigmoidDefinition, tanhDefinition,
        addDefinition, subtractDefinition, multiplyDefinition, matMulDefinition, softmaxDefinition,
        argMaxDefinition, reshapeDefinition, maxPoolDefinition, avgPoolDefinition, divideDefinition,
        expDefinition, logDefinition, squareDefinition, sqrtDefinition, rsqrtDefinition, negDefinition, addNDefinition,
        relu6Definition, leakyReluDefinition, eluDefinition, preluDefinition, identityDefinition, stopGradientDefinition,
        transposeDefinition, fusedBatchNormDefinition, maximumDefinition, minimumDefinition,
        squeezeDefinition, expandDimsDefinition, concatDefinition, meanDefinition, sumDefinition, maxDefinition,
        padDefinition, padV2Definition, mirrorPadDefinition, lrnDefinition, resizeBilinearDefinition,
        resizeNearestNeighborDefinition, depthwiseConv2DDefinition,
    ].map { ($0.type, $0) })

    /// How many inputs each op type takes, as TensorFlow's op definitions have them (`AddN` and
    /// `ConcatV2` take lists). The definitions read their inputs by position; an imported node
    /// with another count is refused before any is read.
    static let inputCounts: [String: ClosedRange<Int>] = {
        var counts: [String: ClosedRange<Int>] = [:]
        for type in ["Relu", "Sigmoid", "Tanh", "Softmax", "MaxPool", "AvgPool", "Exp", "Log", "Square", "Sqrt", "Rsqrt", "Neg",
                     "Relu6", "LeakyRelu", "Elu", "Identity", "StopGradient", "Squeeze", "LRN"] { counts[type] = 1...1 }
        for type in ["Conv2D", "BiasAdd", "AddV2", "Sub", "Mul", "MatMul", "ArgMax", "Reshape", "RealDiv", "Prelu", "Transpose",
                     "Maximum", "Minimum", "ExpandDims", "Mean", "Sum", "Max", "Pad", "MirrorPad", "ResizeBilinear",
                     "ResizeNearestNeighbor", "DepthwiseConv2dNative"] { counts[type] = 2...2 }
        counts["PadV2"] = 3...3
        counts["FusedBatchNormV3"] = 5...5
        counts["AddN"] = 1...Int.max
        counts["ConcatV2"] = 2...Int.max
        return counts
    }()

    /// Checks that an op of `type` takes `count` inputs.
    ///
    /// - Throws: `.invalidArgument` naming the type, the count it takes and the one given.
    static func checkInputCount(_ type: String, _ count: Int) throws {
        guard let counts = inputCounts[type], !counts.contains(count) else { return }
        let expected = counts.upperBound == Int.max ? "at least \(counts.lowerBound)" : "\(counts.lowerBound)"
        throw TensorScopeError.invalidArgument(type, expected: "\(expected) input\(counts.lowerBound == 1 && counts.upperBound == 1 ? "" : "s")",
                                               got: "\(count)")
    }

    /// Computes an op of `type` on `inputs`.
    static func execute(_ type: String, _ inputs: [OpInput], _ attributes: Attributes) throws -> [Tensor] {
        guard let definition = definitions[type] else {
            throw TensorScopeError.invalidArgument(type, expected: "an op type TensorScope computes", got: "\"\(type)\"")
        }
        return try definition.execute(inputs, attributes)
    }

    /// Runs a recorded op again from its record: its type and attributes, on `inputs` (the
    /// values of its input edges, in argument order).
    static func run(_ operation: GraphOperation, inputs: [Tensor]) throws -> [Tensor] {
        let arguments = zip(operation.arguments, inputs).map { OpInput($0.node, $1) }
        return try execute(operation.type, arguments, operation.attributes)
    }
}

extension Dictionary where Key == String, Value == GraphOperation.AttributeValue {
    /// The list of integers under `key`; `op` names the op in the error when it is missing.
    func ints(_ key: String, op: String) throws -> [Int] {
        guard case .ints(let values)? = self[key] else { throw missing(key, "a list of integers", op: op) }
        return values
    }

    /// The string under `key`.
    func string(_ key: String, op: String) throws -> String {
        guard case .string(let value)? = self[key] else { throw missing(key, "a string", op: op) }
        return value
    }

    /// The float under `key`, or `fallback` (TensorFlow's default) when a graph leaves it out.
    func float(_ key: String, default fallback: Float) -> Float {
        if case .float(let value)? = self[key] { return value }
        return fallback
    }

    /// The integer under `key`, or `fallback` (TensorFlow's default) when a graph leaves it out.
    func int(_ key: String, default fallback: Int) -> Int {
        if case .int(let value)? = self[key] { return value }
        return fallback
    }

    /// The flag under `key`, `false` when absent (as TensorFlow's defaults for `transpose_a`).
    func bool(_ key: String) -> Bool {
        if case .bool(let value)? = self[key] { return value }
        return false
    }

    /// The `padding` attribute.
    func padding(op: String) throws -> Padding {
        let text = try string("padding", op: op)
        guard let padding = Padding(rawValue: text) else {
            throw TensorScopeError.invalidArgument(op, expected: "padding SAME or VALID", got: "\"\(text)\"")
        }
        return padding
    }

    private func missing(_ key: String, _ what: String, op: String) -> TensorScopeError {
        .invalidArgument(op, expected: "attribute \(key) holding \(what)", got: "\(self[key].map { "\($0)" } ?? "none")")
    }
}
