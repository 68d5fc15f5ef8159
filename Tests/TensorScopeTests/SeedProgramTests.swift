import Testing
import TensorScope
import TensorScopeModels

/// The seed program (docs/TF1-RULES.md, "The seed program"): my_image_filter without reuse, and the
/// three ways to share its four variables.
@Suite struct SeedProgramTests {
    let image1 = try! Initializer.randomNormal(seed: 1).tensor(shape: [2, 9, 8, 32])
    let image2 = try! Initializer.randomNormal(seed: 2).tensor(shape: [2, 9, 8, 32])

    static let variableNames = ["image_filters/conv1/weights", "image_filters/conv1/biases",
                                "image_filters/conv2/weights", "image_filters/conv2/biases"]

    static func opNames(_ prefix: String) -> [String] {
        ["conv1/Conv2D", "conv1/add", "conv1/Relu", "conv2/Conv2D", "conv2/add", "conv2/Relu"].map { prefix + $0 }
    }

    /// relu(conv(relu(conv(x, w1) + b1), w2) + b2) with the direct-loop reference and plain loops.
    static func byHand(_ x: Tensor, _ variables: [Variable]) throws -> [Float] {
        var current = x.scalars
        var shape = x.shape
        for layer in 0..<2 {
            let w = variables[2 * layer].value, b = variables[2 * layer + 1].value
            let y = try #require(ReferenceConv2D.conv(
                input: current, inputShape: shape, filter: w.scalars, filterShape: w.shape,
                stride: (1, 1), dilation: (1, 1), same: true))
            current = y.values.enumerated().map { i, v in max(0, v + b.scalars[i % b.scalarCount]) }
            shape = y.shape
        }
        return current
    }

    func checkSharing(_ graph: Graph, _ result1: Tensor, _ result2: Tensor, secondPrefix: String) throws {
        let trainable = graph.trainableVariables
        #expect(trainable.map(\.name) == Self.variableNames)
        #expect(graph.globalVariables.count == 4)
        #expect(trainable.map(\.description) == [
            "<Variable 'image_filters/conv1/weights:0' shape=(5, 5, 32, 32) dtype=float32>",
            "<Variable 'image_filters/conv1/biases:0' shape=(32,) dtype=float32>",
            "<Variable 'image_filters/conv2/weights:0' shape=(5, 5, 32, 32) dtype=float32>",
            "<Variable 'image_filters/conv2/biases:0' shape=(32,) dtype=float32>",
        ])
        let ops = graph.operations
        #expect(ops.map(\.name) == Self.opNames("image_filters/") + Self.opNames(secondPrefix))
        #expect(ops.map(\.type) == Array(repeating: ["Conv2D", "AddV2", "Relu"], count: 4).flatMap { $0 })
        #expect(ops[0].inputShapes == [[2, 9, 8, 32], [5, 5, 32, 32]] && ops[0].outputShape == [2, 9, 8, 32])
        #expect(result2.shape == [2, 9, 8, 32])
        expectClose(result1.scalars, try Self.byHand(image1, trainable), "tower 1 by hand")
        expectClose(result2.scalars, try Self.byHand(image2, trainable), "tower 2 by hand")
    }

    @Test func callingTwiceWithoutReuseFails() throws {
        let graph = Graph()
        try graph.asDefault {
            _ = try myImageFilter(image1)
            let error = #expect(throws: TensorScopeError.self) { try myImageFilter(image2) }
            #expect(error?.description.hasPrefix("Variable conv1/weights already exists, disallowed.") == true)
            #expect(error?.kind == .variableAlreadyExists)
        }
        #expect(graph.trainableVariables.map(\.name) == ["conv1/weights", "conv1/biases", "conv2/weights", "conv2/biases"])
        // The failed second call recorded nothing.
        #expect(graph.operations.map(\.name) == Self.opNames(""))
    }

    @Test func method1ReuseTrueOnASecondScope() throws {
        let graph = Graph()
        let (r1, r2) = try graph.asDefault {
            let r1 = try variableScope("image_filters") { _ in try myImageFilter(image1) }
            let r2 = try variableScope("image_filters", reuse: true) { _ in try myImageFilter(image2) }
            return (r1, r2)
        }
        try checkSharing(graph, r1, r2, secondPrefix: "image_filters_1/")
    }

    @Test func method2ReuseVariablesOnTheScope() throws {
        let graph = Graph()
        let (r1, r2) = try graph.asDefault {
            try variableScope("image_filters") { scope in
                let r1 = try myImageFilter(image1)
                scope.reuseVariables()
                return (r1, try myImageFilter(image2))
            }
        }
        let ops = graph.operations.map(\.name)
        #expect(ops.suffix(6) == ["image_filters/conv1_1/Conv2D", "image_filters/conv1_1/add", "image_filters/conv1_1/Relu",
                                  "image_filters/conv2_1/Conv2D", "image_filters/conv2_1/add", "image_filters/conv2_1/Relu"])
        let secondHalf = Array(ops.suffix(6))
        let expected = ["image_filters/conv1_1/", "image_filters/conv2_1/"]
        #expect(secondHalf.allSatisfy { name in expected.contains { name.hasPrefix($0) } })
        // checkSharing's op-name check, adapted: method 2 suffixes the inner scopes.
        let trainable = graph.trainableVariables
        #expect(trainable.map(\.name) == Self.variableNames)
        expectClose(r1.scalars, try Self.byHand(image1, trainable), "tower 1 by hand")
        expectClose(r2.scalars, try Self.byHand(image2, trainable), "tower 2 by hand")
    }

    @Test func method3ReenteringTheCapturedScope() throws {
        let graph = Graph()
        let (r1, r2) = try graph.asDefault {
            var captured: VariableScope?
            let r1 = try variableScope("image_filters") { scope in
                captured = scope
                return try myImageFilter(image1)
            }
            let r2 = try variableScope(captured!, reuse: true) { _ in try myImageFilter(image2) }
            return (r1, r2)
        }
        try checkSharing(graph, r1, r2, secondPrefix: "image_filters_1/")
    }

    @Test func bothTowersGiveBitIdenticalOutputsOnTheSameInput() throws {
        try Graph().asDefault {
            let (a, b) = try variableScope("image_filters") { scope in
                let a = try myImageFilter(image1)
                scope.reuseVariables()
                return (a, try myImageFilter(image1))
            }
            #expect(a == b)
            // The shared variables are the very same objects.
            try variableScope("image_filters", reuse: true) { _ in
                try variableScope("conv1") { _ in
                    let weights = try getVariable("weights")
                    #expect(weights === trainableVariables()[0])
                }
            }
        }
    }

    @Test func rgbInputGetsAThreeChannelFirstKernel() throws {
        let rgb = try Initializer.randomNormal(seed: 3).tensor(shape: [1, 6, 7, 3])
        let graph = Graph()
        let y = try graph.asDefault { try variableScope("image_filters") { _ in try myImageFilter(rgb) } }
        #expect(graph.trainableVariables[0].shape == [5, 5, 3, 32])
        expectClose(y.scalars, try Self.byHand(rgb, graph.trainableVariables), "rgb by hand")
    }
}
