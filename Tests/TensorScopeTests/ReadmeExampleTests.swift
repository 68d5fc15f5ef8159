import Testing
import TensorScope
import TensorScopeModels

/// The README's example, as written there (smaller images), so the documentation compiles.
@Suite struct ReadmeExampleTests {
    func convRelu(_ input: Tensor, kernelShape: [Int], biasShape: [Int]) throws -> Tensor {
        let weights = try getVariable("weights", shape: kernelShape, initializer: .randomNormal())
        let biases = try getVariable("biases", shape: biasShape, initializer: .constant(0))
        let conv = try conv2d(input, weights, strides: [1, 1, 1, 1], padding: .same)
        return relu(try conv + biases)
    }

    func myImageFilter(_ images: Tensor) throws -> Tensor {
        let relu1 = try variableScope("conv1") { _ in try convRelu(images, kernelShape: [5, 5, 32, 32], biasShape: [32]) }
        return try variableScope("conv2") { _ in try convRelu(relu1, kernelShape: [5, 5, 32, 32], biasShape: [32]) }
    }

    @Test func readmeExampleRunsAsDocumented() throws {
        let image1 = try Initializer.randomNormal(seed: 1).tensor(shape: [2, 8, 8, 32])
        let image2 = try Initializer.randomNormal(seed: 2).tensor(shape: [2, 8, 8, 32])
        var printed: [String] = []
        var names: [String] = []
        try Graph().asDefault {
            try variableScope("image_filters") { scope in
                _ = try myImageFilter(image1)
                scope.reuseVariables()
                _ = try myImageFilter(image2)
            }
            trainableVariables().forEach { printed.append("\($0)") }
            names = Graph.current.operations.map(\.name)
        }
        #expect(printed.count == 4)
        #expect(printed[0] == "<Variable 'image_filters/conv1/weights:0' shape=(5, 5, 32, 32) dtype=float32>")
        #expect(names.prefix(3) == ["image_filters/conv1/Conv2D", "image_filters/conv1/add", "image_filters/conv1/Relu"])
        #expect(names[6] == "image_filters/conv1_1/Conv2D")
    }
}
