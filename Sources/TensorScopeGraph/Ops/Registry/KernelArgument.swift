import TensorScopeKernels

/// One input of an op as its computation sees it: a shape and the floats, wherever they live —
/// a tensor's storage for an eager op, a Session plan's arena or a fed tensor for a planned one.
/// The op reads the floats only while `OpDefinition.compute` runs.
/// A variable and the snapshot of it an argument's values are.
struct VariableRead {
    let variable: Variable
    let snapshot: Variable.Snapshot

    init(variable: Variable, snapshot: Variable.Snapshot) {
        (self.variable, self.snapshot) = (variable, snapshot)
    }

    /// A read of a new variable holding `value`, for a filter that is no variable (a plan's
    /// constant, a folded filter): its holder keeps the packed forms as a variable does.
    init(holding value: Tensor, name: String) {
        let holder = Variable(name: name, value: value, trainable: false)
        self.init(variable: holder, snapshot: holder.snapshot)
    }
}

struct KernelArgument: @unchecked Sendable {
    let shape: [Int]
    let data: UnsafeBufferPointer<Float>
    /// The exact values of an integer argument (a reshape's `shape`); nil for other arguments.
    let integers: [Int]?
    /// The variable the values were read from and their version, so a convolution can reuse the
    /// filter packed for that version; nil for other values.
    let variable: VariableRead?

    init(shape: [Int], data: UnsafeBufferPointer<Float>, integers: [Int]? = nil, variable: VariableRead? = nil) {
        self.shape = shape
        self.data = data
        self.integers = integers
        self.variable = variable
    }

    var pointer: UnsafePointer<Float> { data.baseAddress! }

    /// The integer values of this argument: exact when it was made from integers, else its
    /// values when each is a whole number that fits in `Int`.
    func integerValues(op: String, argument: String) throws -> [Int] {
        try integers ?? wholeNumbers(data, op: op, argument: argument)
    }

    /// This argument as a filter prepared in `layout` for `isa` by `make`: a variable's
    /// cached form (a plan's constant filter has a holder variable), or made now.
    func prepared(_ layout: WeightLayout, isa: KernelISA?, make: (UnsafePointer<Float>) -> PackedFilter) -> PackedFilter {
        if let variable {
            return variable.variable.prepared(variable.snapshot, layout, isa: isa, make: make)
        }
        return make(pointer)
    }
}

/// `values` as integers, each a whole number that fits in `Int`; `op` and `argument` name them
/// in the error for one that is not.
func wholeNumbers(_ values: some Sequence<Float>, op: String, argument: String) throws -> [Int] {
    try values.map { v in
        guard let n = Int(exactly: v) else {
            throw TensorScopeError.invalidArgument(op, expected: "whole numbers in \(argument)", got: "\(v)")
        }
        return n
    }
}

extension OpInput {
    /// Calls `body` with the arguments of `inputs` (fused inputs excluded), pointing into their
    /// tensors' storage.
    static func withKernelArguments<R>(_ inputs: [OpInput], _ body: ([KernelArgument]) throws -> R) rethrows -> R {
        let given = inputs.filter { $0.value != nil }
        func nest(_ i: Int, _ done: [KernelArgument]) throws -> R {
            if i == given.count { return try body(done) }
            let input = given[i]
            return try input.value!.withUnsafeBufferPointer { data in
                try nest(i + 1, done + [KernelArgument(
                    shape: input.shape, data: data, integers: input.integers, variable: input.read)])
            }
        }
        return try nest(0, [])
    }
}
