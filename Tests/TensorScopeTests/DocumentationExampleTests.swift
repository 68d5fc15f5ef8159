import Foundation
import Testing
import TensorScope
import TensorScopeImage
import TensorScopeModels

/// The code in the DocC landing pages and articles, as written there (smaller tensors where the
/// text says so), so the documentation's examples compile and do what they say.
@Suite struct DocumentationExampleTests {
    /// TensorScope.docc/TensorScope.md
    @Test func landingPageExample() throws {
        let images = try Initializer.randomNormal(seed: 1).tensor(shape: [8, 64, 64, 3])
        let graph = Graph()
        let output = try graph.asDefault {
            try variableScope("conv1") {
                let weights = try getVariable("weights", shape: [5, 5, 3, 32], initializer: .randomNormal())
                let biases = try getVariable("biases", shape: [32], initializer: .zeros)
                return relu(try conv2d(images, weights, padding: .same) + biases)
            }
        }
        #expect(output.shape == [8, 64, 64, 32])
        #expect(graph.operations.map(\.name) == ["conv1/Conv2D", "conv1/add", "conv1/Relu"])
    }

    /// GettingStarted.md
    @Test func gettingStartedExample() throws {
        let images = try Initializer.randomNormal(seed: 1).tensor(shape: [2, 32, 32, 3])
        let graph = Graph()
        let features = try graph.asDefault {
            try variableScope("image_filters") { try TensorScopeModels.myImageFilter(images, seed: 1) }
        }
        #expect(features.shape == [2, 32, 32, 32])
        #expect(graph.trainableVariables.count == 4)
    }

    /// PortingTensorFlow1.md: the seed program and the three ways to share, as written there.
    func convRelu(_ input: Tensor, kernelShape: [Int], biasShape: [Int]) throws -> Tensor {
        let weights = try getVariable("weights", shape: kernelShape, initializer: .randomNormal())
        let biases = try getVariable("biases", shape: biasShape, initializer: .constant(0))
        let conv = try conv2d(input, weights, strides: [1, 1, 1, 1], padding: .same)
        return relu(try conv + biases)
    }

    func myImageFilter(_ images: Tensor) throws -> Tensor {
        let relu1 = try variableScope("conv1") { try convRelu(images, kernelShape: [5, 5, 32, 32], biasShape: [32]) }
        return try variableScope("conv2") { try convRelu(relu1, kernelShape: [5, 5, 32, 32], biasShape: [32]) }
    }

    @Test func portingArticleSharingMethods() throws {
        let (i1, i2) = (Tensor(repeating: 0.1, shape: [1, 6, 6, 32]), Tensor(repeating: 0.2, shape: [1, 6, 6, 32]))
        let f = myImageFilter
        let second = ["image_filters_1/conv1/Conv2D", "image_filters/conv1_1/Conv2D", "image_filters_1/conv1/Conv2D"]
        for method in 0..<3 {
            let graph = Graph()
            try graph.asDefault {
                switch method {
                case 0:
                    _ = try variableScope("image_filters") { try f(i1) }
                    _ = try variableScope("image_filters", reuse: true) { try f(i2) }
                case 1:
                    _ = try variableScope("image_filters") { scope in _ = try f(i1); scope.reuseVariables(); return try f(i2) }
                default:
                    let (scope, _) = try capturingVariableScope("image_filters") { try f(i1) }
                    _ = try variableScope(scope, reuse: true) { try f(i2) }
                }
            }
            #expect(graph.trainableVariables.count == 4)
            #expect(graph.operations[6].name == second[method])
        }
    }

    /// TensorScopeImage.docc and TensorScopeModels.docc
    @Test func imageAndModelsLandingExamples() throws {
        let batch = try ImageBatch.load([Paths.photo("chelsea.jpg"), Paths.photo("camera.png")], size: 64, fit: .fill)
        #expect(batch.shape == [2, 64, 64, 3])
        let photo = try ImageReader.read(Paths.photo("chelsea.jpg"), options: .init(channels: .rgb, targetSize: 64))
        #expect(photo.channels == 3)
        let graph = Graph()
        let outputs = try graph.asDefault {
            try ImageFilterModel.run([batch, batch], method: .reuseVariables, seed: 1)
        }
        #expect(outputs.count == 2 && outputs[0] == outputs[1])
    }
}
