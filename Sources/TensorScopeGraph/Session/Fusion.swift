import TensorScopeKernels

/// Ops fused into the step before them: what a kernel's epilogue applies to each output tile
/// while it is in cache (a convolution's) or in one pass right after (a matrix product's).
struct PlannedEpilogue: Sendable {
    /// The value added along the last axis (`[C]`), from a `BiasAdd` or an `AddV2` of a vector.
    var bias: Int?
    var activation: Activation = .none
    /// The `[C]` slopes of a fused `Prelu`.
    var slopes: Int?
    /// A `MaxPool` taken into the convolution's pass (`Fusion.maxPool`).
    var maxPool: PoolGeometry?
    var inputs: [Int] { [bias, slopes].compactMap { $0 } }
}

/// Finds, in a plan's steps, the chains a kernel computes in one pass: `Conv2D` or `MatMul`,
/// then optionally a bias (`BiasAdd`, or `AddV2` with a `[C]` vector), then optionally an
/// activation (`Relu`, `Relu6`, `LeakyRelu`, `Elu`, `Prelu`), then — after a `Conv2D` the
/// kernels run batch-major — optionally a `MaxPool` — each link only when the value between is
/// read by the next op alone and not fetched. The fused step keeps every op's name;
/// the graph's record is not changed.
enum Fusion {
    static func apply(to plan: inout ExecutionPlan) {
        foldPads(in: &plan)
        recognizeBatchNormalization(in: &plan)
        foldBatchNorms(in: &plan)
        foldScales(in: &plan)
        recognizePReLU(in: &plan)
        fuseEpilogues(in: &plan)
        fuseElementwiseChains(in: &plan)
    }

    /// The op types computed element by element, so any run of elements can be computed alone.
    static let elementwiseTypes: Set<String> = [
        "Relu", "Relu6", "LeakyRelu", "Elu", "Prelu", "Sigmoid", "Tanh", "Exp", "Log", "Square", "Sqrt", "Rsqrt", "Neg",
        "AddV2", "Sub", "Mul", "RealDiv", "BiasAdd", "Maximum", "Minimum",
    ]

    /// Whether `step` can be computed a chunk of rows at a time: element-wise, each input either
    /// the output's shape (chunked with it) or a scalar or `[C]` vector over its last axis (read
    /// whole).
    static func isChunkable(_ step: ExecutionPlan.Step, _ plan: ExecutionPlan) -> Bool {
        guard elementwiseTypes.contains(step.type), step.epilogue == nil, step.chain.isEmpty,
              step.outputs.count == 1 else { return false }
        let shape = plan.values[step.outputs[0]].shape
        return step.inputs.allSatisfy { input in
            let s = plan.values[input].shape
            return s == shape || s == [] || (s.count == 1 && s == [shape.last ?? -1])
        }
    }

    /// Element-wise ops that follow one another, each value between read by the next alone, run
    /// in one pass: the first op's step takes the others as its `chain`.
    private static func fuseElementwiseChains(in plan: inout ExecutionPlan) {
        let readers = readers(plan)
        var consumerOf: [Int: Int] = [:]
        for (s, step) in plan.steps.enumerated() { for input in step.inputs { consumerOf[input] = s } }
        let definedAt = definingSteps(plan)
        var removed = Set<Int>()
        for i in plan.steps.indices where !removed.contains(i) && isChunkable(plan.steps[i], plan) {
            var chain: [ExecutionPlan.Step] = []
            var chainValues: [Int] = []
            var output = plan.steps[i].outputs[0]
            while readers[output] == 1, let j = consumerOf[output], !removed.contains(j),
                  isChunkable(plan.steps[j], plan),
                  plan.values[plan.steps[j].outputs[0]].shape == plan.values[output].shape,
                  plan.steps[j].inputs.filter({ $0 == output }).count == 1,
                  plan.steps[j].inputs.allSatisfy({ $0 == output || (definedAt[plan.root(of: $0)].map { $0 < i } ?? true) }) {
                chain.append(plan.steps[j])
                chainValues.append(output)
                removed.insert(j)
                output = plan.steps[j].outputs[0]
            }
            guard !chain.isEmpty else { continue }
            plan.steps[i].names += chain.flatMap(\.names)
            plan.steps[i].chain = chain
            plan.steps[i].chainValues = chainValues
            plan.steps[i].outputs = [output]
        }
        removeSteps(removed, from: &plan)
    }

    /// The step computing `id` when it is one op of `type` (nothing fused into it yet) and `id`
    /// is read by `count` steps: a link of a pattern of ops a pass recognises.
    static func soleStep(
        computing id: Int, _ type: String, readBy count: Int = 1, _ plan: ExecutionPlan, readers: [Int: Int], producer: [Int: Int]
    ) -> Int? {
        guard readers[plan.root(of: id)] == count, let s = producer[id], plan.steps[s].type == type,
              plan.steps[s].epilogue == nil, plan.steps[s].chain.isEmpty else { return nil }
        return s
    }

    /// The step that computes each value.
    static func definingSteps(_ plan: ExecutionPlan) -> [Int: Int] {
        var definedAt: [Int: Int] = [:]
        for (s, step) in plan.steps.enumerated() { for output in step.outputs { definedAt[output] = s } }
        return definedAt
    }

    /// Drops the steps a pass fused into others.
    static func removeSteps(_ removed: Set<Int>, from plan: inout ExecutionPlan) {
        plan.steps = plan.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// How many steps read each value (by the value whose floats it is), fetches counting as two.
    static func readers(_ plan: ExecutionPlan) -> [Int: Int] {
        var readers: [Int: Int] = [:]
        for step in plan.steps {
            for input in step.allInputs { readers[plan.root(of: input), default: 0] += 1 }
        }
        for fetched in plan.fetched { readers[plan.root(of: fetched), default: 0] += 2 }
        return readers
    }

    /// Replaces PReLU written out of TensorFlow's ops by one `Prelu` step: Keras's
    /// `relu(x) + (−α) · relu(−x)` (what `tf.keras.layers.PReLU` leaves in a graph) and
    /// `relu(x) − α · relu(−x)`, with `α` a `[C]` (or Keras's `[1, 1, C]`) vector over `x`'s last axis — when every value
    /// between is read by the pattern alone. Both equal `x > 0 ? x : α·x` exactly (one of the two
    /// terms is zero), so the step gives the composition's numbers, and the convolution before
    /// it can take it into its epilogue.
    private static func recognizePReLU(in plan: inout ExecutionPlan) {
        let readers = readers(plan)
        let producer = definingSteps(plan)
        func single(_ id: Int, _ type: String) -> Int? {
            soleStep(computing: id, type, plan, readers: readers, producer: producer)
        }
        var removed = Set<Int>()
        for e in plan.steps.indices where ["AddV2", "Sub"].contains(plan.steps[e].type) && plan.steps[e].inputs.count == 2 {
            let step = plan.steps[e]
            let sub = step.type == "Sub"
            // Which operand is relu(x) and which the product: both orders for a sum.
            for (positive, product) in sub ? [(step.inputs[0], step.inputs[1])]
                                           : [(step.inputs[0], step.inputs[1]), (step.inputs[1], step.inputs[0])] {
                guard let a = single(positive, "Relu"), let d = single(product, "Mul") else { continue }
                let x = plan.steps[a].inputs[0]
                let channels = plan.values[x].shape.last ?? -1
                // The product's operands: relu(−x) and α (or −α for a sum).
                let (m0, m1) = (plan.steps[d].inputs[0], plan.steps[d].inputs[1])
                for (negativePart, slope) in [(m0, m1), (m1, m0)] {
                    guard let c = single(negativePart, "Relu"), let b = single(plan.steps[c].inputs[0], "Neg"),
                          plan.steps[b].inputs[0] == x else { continue }
                    var alpha = slope, negated: Int?
                    if !sub {
                        guard let n = single(slope, "Neg") else { continue }
                        alpha = plan.steps[n].inputs[0]
                        negated = n
                    }
                    guard isChannelVector(plan.values[alpha].shape, channels: channels),
                          plan.values[alpha].shape.count <= plan.values[x].shape.count, !removed.contains(e) else { continue }
                    // The pattern's steps all come before the sum, so α is ready when it runs.
                    let pattern = [a, b, c, d] + (negated.map { [$0] } ?? [])
                    plan.steps[e] = ExecutionPlan.Step(
                        names: pattern.sorted().flatMap { plan.steps[$0].names } + step.names, type: "Prelu",
                        definition: preluDefinition, attributes: .float32, inputs: [x, alpha], outputs: step.outputs)
                    removed.formUnion(pattern)
                    break
                }
            }
        }
        removeSteps(removed, from: &plan)
    }

    /// Convolutions and matrix products take the bias and activation after them.
    private static func fuseEpilogues(in plan: inout ExecutionPlan) {
        let readers = readers(plan)
        // The step that computes each value, so a bias computed after the producer is left alone.
        var definedAt = definingSteps(plan)
        var removed = Set<Int>()
        var consumerOf: [Int: Int] = [:]
        for (s, step) in plan.steps.enumerated() {
            for input in step.inputs where plan.values[input].source.isComputed { consumerOf[input] = s }
        }
        for i in plan.steps.indices
        where (plan.steps[i].definition.prepareFused != nil || plan.steps[i].type == "MatMul") && !removed.contains(i) {
            var epilogue = PlannedEpilogue()
            var stage = 0  // 0: a bias may come; 1: an activation may come; 2: a max pool may come; 3: done
            while stage < 3 {
                let output = plan.steps[i].outputs[0]
                guard readers[output] == 1, let j = consumerOf[output], !removed.contains(j) else { break }
                let next = plan.steps[j]
                let channels = plan.values[output].shape.last ?? 0
                var fused = false
                if stage == 0, let bias = biasOperand(next, of: output, channels: channels, plan),
                   definedAt[plan.root(of: bias)].map({ $0 < i }) ?? true {
                    epilogue.bias = bias
                    fused = true
                    stage = 1
                } else if stage < 2, let (activation, slopes) = activation(next, of: output, channels: channels, plan),
                          slopes.flatMap({ definedAt[plan.root(of: $0)] }).map({ $0 < i }) ?? true {
                    epilogue.activation = activation
                    epilogue.slopes = slopes
                    fused = true
                    stage = 2
                } else if let pool = maxPool(next, after: plan.steps[i], of: output, plan) {
                    epilogue.maxPool = pool
                    fused = true
                    stage = 3
                }
                guard fused else { break }
                plan.steps[i].names += next.names
                plan.steps[i].outputs = next.outputs
                plan.steps[i].epilogue = epilogue
                for out in next.outputs { definedAt[out] = i }
                removed.insert(j)
            }
        }
        removeSteps(removed, from: &plan)
    }

    /// The bias `next` adds to `output`, when it is a bias add of a `[channels]` vector.
    private static func biasOperand(_ next: ExecutionPlan.Step, of output: Int, channels: Int, _ plan: ExecutionPlan) -> Int? {
        guard next.epilogue == nil, next.inputs.count == 2 else { return nil }
        switch next.type {
        case "BiasAdd":
            return next.inputs[0] == output ? next.inputs[1] : nil
        case "AddV2":
            let other = next.inputs[0] == output ? next.inputs[1] : next.inputs[1] == output ? next.inputs[0] : nil
            guard let other, other != output, plan.values[other].shape == [channels] else { return nil }
            return other
        default:
            return nil
        }
    }

    /// The pooling of `next`, a `MaxPool` of `output` alone, taken into the `Conv2D` `step`
    /// computing `output`. Where the algorithm pools in its own pass (TensorScope's kernels,
    /// batch-major, non-overlapping windows: the digits CNN's maps) the convolution's output is
    /// neither written nor read back (the digits CNN's first layer wrote 1 MiB for its pool to
    /// read); otherwise the runner convolves a group of images at a time into a buffer the
    /// pool reads from the caches (`Conv2DRunner.poolGroupFloats`). The ops' results are the same.
    private static func maxPool(
        _ next: ExecutionPlan.Step, after step: ExecutionPlan.Step, of output: Int, _ plan: ExecutionPlan
    ) -> PoolGeometry? {
        guard step.type == "Conv2D", next.type == "MaxPool", next.epilogue == nil, next.inputs == [output],
              let pool = try? PoolGeometry(.max, input: plan.values[output].shape, next.attributes)
        else { return nil }
        return pool
    }

    /// The activation `next` applies to `output` alone, and its slopes for a PReLU.
    private static func activation(
        _ next: ExecutionPlan.Step, of output: Int, channels: Int, _ plan: ExecutionPlan
    ) -> (Activation, Int?)? {
        guard next.epilogue == nil, next.inputs.first == output else { return nil }
        switch next.type {
        case "Relu": return (.relu, nil)
        case "Relu6": return (.relu6, nil)
        case "Elu": return (.elu, nil)
        case "LeakyRelu":
            guard case .float(let alpha)? = next.attributes["alpha"] else { return nil }
            return (.leakyRelu(alpha: alpha), nil)
        case "Prelu":
            guard next.inputs[1] != output, isChannelVector(plan.values[next.inputs[1]].shape, channels: channels) else { return nil }
            return (.prelu, next.inputs[1])
        default:
            return nil
        }
    }
}

extension ExecutionPlan.Source {
    var isComputed: Bool { if case .computed = self { true } else { false } }
}
