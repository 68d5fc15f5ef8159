import TensorScopeKernels

/// The plan's folds: ops whose work can be done once on the weights instead of on every
/// activation — a zero pad taken into a convolution's padding, a batch normalisation into the
/// convolution's filter and bias.
extension Fusion {
    /// Takes a zero `Pad` of height and width into the VALID convolution that alone reads it,
    /// when the padding is the one SAME gives for that convolution (ResNet's explicit `pad`
    /// then `VALID`, for one): the convolution reads the unpadded input with SAME and its
    /// kernels skip the padding instead of reading a padded copy. The same numbers: the
    /// padded zeros add nothing either way.
    static func foldPads(in plan: inout ExecutionPlan) {
        let readers = readers(plan)
        let producer = definingSteps(plan)
        var removed = Set<Int>()
        for c in plan.steps.indices where ["Conv2D", "DepthwiseConv2dNative"].contains(plan.steps[c].type) {
            let conv = plan.steps[c]
            guard conv.epilogue == nil, case .string("VALID")? = conv.attributes["padding"],
                  readers[plan.root(of: conv.inputs[0])] == 1, let p = producer[conv.inputs[0]], !removed.contains(p),
                  ["Pad", "PadV2"].contains(plan.steps[p].type), plan.steps[p].epilogue == nil else { continue }
            let padStep = plan.steps[p]
            // The paddings (exact integers) and, for PadV2, a constant zero fill.
            guard case .constant(let paddingsTensor) = plan.values[plan.root(of: padStep.inputs[1])].source,
                  let paddings = try? wholeNumbers(paddingsTensor.scalars, op: "pad", argument: "paddings"),
                  paddings.count == 8, paddings[0] == 0, paddings[1] == 0, paddings[6] == 0, paddings[7] == 0 else { continue }
            if padStep.type == "PadV2" {
                guard padStep.inputs.count == 3, case .constant(let fill) = plan.values[plan.root(of: padStep.inputs[2])].source,
                      fill.scalars == [0] else { continue }
            }
            let unpadded = plan.values[padStep.inputs[0]].shape
            var same = conv.attributes
            same["padding"] = .string("SAME")
            let filter = plan.values[conv.inputs[1]].shape
            let geometry: (valid: Conv2DGeometry, same: Conv2DGeometry)? = try? {
                let padded = plan.values[conv.inputs[0]].shape
                if conv.type == "Conv2D" {
                    return (try Conv2DGeometry(shapes: [padded, filter], conv.attributes),
                            try Conv2DGeometry(shapes: [unpadded, filter], same))
                }
                return (try DepthwiseGeometry(shapes: [padded, filter], conv.attributes).window,
                        try DepthwiseGeometry(shapes: [unpadded, filter], same).window)
            }()
            guard let geometry, geometry.same.outHeight == geometry.valid.outHeight, geometry.same.outWidth == geometry.valid.outWidth,
                  geometry.same.padTop == paddings[2], geometry.same.padLeft == paddings[4] else { continue }
            plan.steps[c].inputs[0] = padStep.inputs[0]
            plan.steps[c].attributes = same
            plan.steps[c].leading = padStep.leading + padStep.names
            removed.insert(p)
        }
        removeSteps(removed, from: &plan)
    }

    /// Folds a `FusedBatchNormV3` into the convolution before it when the filter, the
    /// statistics and any bias between are constants or variables (a frozen graph's, or a
    /// restored model's): the filter's output channels scaled by `scale / √(variance + ε)`, and
    /// the normalisation's shift — with the bias folded in — left as a `BiasAdd` that
    /// `fuseEpilogues` then takes into the convolution's epilogue, with the activation after it.
    /// The folded values are computed when a run starts (`CompiledPlan`), again only after a
    /// variable among them changes. Exact up to rounding: the products are reordered.
    static func foldBatchNorms(in plan: inout ExecutionPlan) {
        let readers = readers(plan)
        let producer = definingSteps(plan)
        func stored(_ id: Int) -> Int? { storedRoot(id, plan) }
        var removed = Set<Int>()
        for n in plan.steps.indices where plan.steps[n].type == "FusedBatchNormV3" && plan.steps[n].epilogue == nil {
            let norm = plan.steps[n]
            // Only `y` may be read: the other outputs are the statistics themselves.
            guard norm.outputs.dropFirst().allSatisfy({ (readers[plan.root(of: $0)] ?? 0) == 0 }),
                  let scale = stored(norm.inputs[1]), let offset = stored(norm.inputs[2]),
                  let mean = stored(norm.inputs[3]), let variance = stored(norm.inputs[4]),
                  let epsilon = try? batchNormEpsilon(norm.attributes) else { continue }
            let channels = plan.values[scale].count
            // conv → [bias add of a stored vector] → batch norm, each value read by the next alone.
            var source = norm.inputs[0]
            var biasStep: Int?
            var bias: Int?
            if readers[source] == 1, let b = producer[source], plan.steps[b].epilogue == nil,
               plan.steps[b].inputs.count == 2, ["BiasAdd", "AddV2"].contains(plan.steps[b].type) {
                let (first, second) = (plan.steps[b].inputs[0], plan.steps[b].inputs[1])
                // BiasAdd adds its second input; a sum may hold the vector on either side.
                let orders = plan.steps[b].type == "BiasAdd" ? [(first, second)] : [(first, second), (second, first)]
                for (value, vector) in orders {
                    guard let vectorValue = stored(vector), plan.values[vectorValue].shape == [channels], stored(value) == nil
                    else { continue }
                    biasStep = b
                    bias = vectorValue
                    source = value
                    break
                }
            }
            // A convolution's output channels are its filter's last axis; a depthwise one's the
            // last two (channel c · multiplier + m): either way, filter element i scales by
            // factor[i % channels].
            guard readers[source] == 1, let c = producer[source], ["Conv2D", "DepthwiseConv2dNative"].contains(plan.steps[c].type),
                  plan.steps[c].epilogue == nil, !removed.contains(c), let filter = stored(plan.steps[c].inputs[1]),
                  plan.values[filter].shape.count == 4,
                  [mean, offset, variance].allSatisfy({ plan.values[$0].shape == [channels] }), plan.values[scale].shape == [channels]
            else { continue }
            let filterShape = plan.values[filter].shape
            guard (plan.steps[c].type == "Conv2D" ? filterShape[3] : filterShape[2] * filterShape[3]) == channels else { continue }
            plan.folds.append(.init(kind: .batchNorm(epsilon: epsilon, biased: bias != nil),
                                    inputs: [filter] + (bias.map { [$0] } ?? []) + [scale, offset, mean, variance]))
            let fold = plan.folds.count - 1
            plan.values.append(.init(shape: filterShape, source: .folded(fold: fold, filter: true)))
            plan.steps[c].inputs[1] = plan.values.count - 1
            plan.values.append(.init(shape: [channels], source: .folded(fold: fold, filter: false)))
            plan.steps[n] = ExecutionPlan.Step(
                names: (biasStep.map { plan.steps[$0].names } ?? []) + norm.names, type: "BiasAdd",
                definition: biasAddDefinition, attributes: .float32, inputs: [source, plan.values.count - 1],
                outputs: [norm.outputs[0]])
            if let biasStep { removed.insert(biasStep) }
        }
        removeSteps(removed, from: &plan)
    }

    /// Takes a product by a per-channel vector of constants or variables into the convolution
    /// before it (the `x · inv` of `tf.nn.batch_normalization` on values computed eagerly):
    /// each output channel of the filter scaled, as `foldBatchNorms` scales it; the bias add
    /// after it then goes into the convolution's epilogue. Exact up to rounding.
    static func foldScales(in plan: inout ExecutionPlan) {
        let readers = readers(plan)
        let producer = definingSteps(plan)
        var removed = Set<Int>()
        for m in plan.steps.indices where plan.steps[m].type == "Mul" && plan.steps[m].inputs.count == 2 {
            let step = plan.steps[m]
            for (x, vector) in [(step.inputs[0], step.inputs[1]), (step.inputs[1], step.inputs[0])] {
                guard readers[plan.root(of: x)] == 1, let c = producer[x], !removed.contains(c),
                      ["Conv2D", "DepthwiseConv2dNative"].contains(plan.steps[c].type), plan.steps[c].epilogue == nil,
                      let filter = storedRoot(plan.steps[c].inputs[1], plan), let scale = storedRoot(vector, plan),
                      let channels = plan.values[x].shape.last, plan.values[scale].shape == [channels],
                      plan.values[filter].shape.count == 4 else { continue }
                plan.folds.append(.init(kind: .scale, inputs: [filter, scale]))
                plan.values.append(.init(shape: plan.values[filter].shape, source: .folded(fold: plan.folds.count - 1, filter: true)))
                plan.steps[c].inputs[1] = plan.values.count - 1
                plan.steps[c].names += step.names
                plan.steps[c].outputs = step.outputs
                removed.insert(m)
                break
            }
        }
        removeSteps(removed, from: &plan)
    }

    /// The value `id` stands for when the graph keeps it (a constant, a variable).
    static func storedRoot(_ id: Int, _ plan: ExecutionPlan) -> Int? {
        let root = plan.root(of: id)
        switch plan.values[root].source {
        case .constant, .variable: return root
        default: return nil
        }
    }

    /// Rewrites `tf.nn.batch_normalization`'s seven ops after a convolution — `add` (variance +
    /// ε), `Rsqrt`, `mul` (· scale), `mul_1` (x · inv), `mul_2` (mean · inv), `sub` (offset −),
    /// `add_1` — into one `FusedBatchNormV3` step when the statistics are constants or variables
    /// and every value between is read by the pattern alone, so `foldBatchNorms` folds it like
    /// Keras's. Only after a convolution: elsewhere the seven ops run as recorded, and give the
    /// eager numbers bit for bit.
    static func recognizeBatchNormalization(in plan: inout ExecutionPlan) {
        let readers = readers(plan)
        let producer = definingSteps(plan)
        func stored(_ id: Int) -> Bool { storedRoot(id, plan) != nil }
        func single(_ id: Int, _ type: String, readBy count: Int = 1) -> Int? {
            soleStep(computing: id, type, readBy: count, plan, readers: readers, producer: producer)
        }
        var removed = Set<Int>()
        for last in plan.steps.indices where plan.steps[last].type == "AddV2" && plan.steps[last].inputs.count == 2 {
            let (m1Value, subValue) = (plan.steps[last].inputs[0], plan.steps[last].inputs[1])
            guard let m1 = single(m1Value, "Mul"), let sub = single(subValue, "Sub") else { continue }
            let (x, invValue) = (plan.steps[m1].inputs[0], plan.steps[m1].inputs[1])
            let (offset, m2Value) = (plan.steps[sub].inputs[0], plan.steps[sub].inputs[1])
            guard let m2 = single(m2Value, "Mul"), plan.steps[m2].inputs[1] == invValue,
                  let inv = single(invValue, "Mul", readBy: 2),
                  let rsqrt = single(plan.steps[inv].inputs[0], "Rsqrt"),
                  let add = single(plan.steps[rsqrt].inputs[0], "AddV2") else { continue }
            let (mean, scale) = (plan.steps[m2].inputs[0], plan.steps[inv].inputs[1])
            let (variance, epsilonValue) = (plan.steps[add].inputs[0], plan.steps[add].inputs[1])
            guard case .constant(let epsilon) = plan.values[plan.root(of: epsilonValue)].source, epsilon.scalarCount == 1,
                  [mean, scale, offset, variance].allSatisfy(stored),
                  readers[plan.root(of: x)] == 1, let conv = producer[x],
                  ["Conv2D", "DepthwiseConv2dNative"].contains(plan.steps[conv].type), stored(plan.steps[conv].inputs[1]),
                  let channels = plan.values[x].shape.last,
                  [mean, scale, offset, variance].allSatisfy({ plan.values[$0].shape == [channels] })
            else { continue }
            // What foldBatchNorms then needs is all here (a convolution's output, stored filter
            // and [C] statistics), so the step made below is always folded: it has only `y`.
            let pattern = [add, rsqrt, inv, m1, m2, sub]
            guard removed.isDisjoint(with: pattern + [last]) else { continue }
            plan.steps[last] = ExecutionPlan.Step(
                names: (pattern + [last]).sorted().flatMap { plan.steps[$0].names }, type: "FusedBatchNormV3",
                definition: fusedBatchNormDefinition, attributes: .float32(["epsilon": .float(epsilon.scalars[0])]),
                inputs: [x, scale, offset, mean, variance], outputs: plan.steps[last].outputs)
            removed.formUnion(pattern)
        }
        removeSteps(removed, from: &plan)
    }
}
