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
