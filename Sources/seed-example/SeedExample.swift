import ArgumentParser
import Foundation
import TensorScope
import TensorScopeModels

/// Runs the seed program's two-layer stack (`my_image_filter` with 32-channel input, twice,
/// sharing its four variables) on random input and reports shapes, time and the BLAS kernel;
/// then, as the seed program ends, runs `init` and reads each variable through a `Session`.
@main
struct SeedExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-example",
        abstract: "Run my_image_filter twice on random [batch, size, size, 32] input, sharing 4 variables.")

    @Option(help: "Images per batch.") var batch = 8
    @Option(help: "Image height and width.") var size = 64
    @Option(help: "Seed for the input and the weights.") var seed = 1

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard size > 0 else { throw ValidationError("--size must be at least 1, got \(size)") }
    }

    func run() throws {
        try Startup.prepareProgram()  // BLAS kernel, environment overrides, allocator
        print("BLAS: \(BLAS.info)")
        let shape = [batch, size, size, 32]
        let image1 = try Initializer.randomNormal(seed: seed).tensor(shape: shape)
        let image2 = try Initializer.randomNormal(seed: seed + 100).tensor(shape: shape)
        let graph = Graph()
        try graph.asDefault {
            let start = Date()
            let (result1, result2) = try variableScope("image_filters") { scope in
                let first = try myImageFilter(image1, seed: seed)
                scope.reuseVariables()
                return (first, try myImageFilter(image2, seed: seed))
            }
            let seconds = Date().timeIntervalSince(start)
            for variable in trainableVariables() { print(variable) }
            print("result1 shape \(result1.shape), result2 shape \(result2.shape)")
            let flops = 2.0 * 2 * 2 * Double(batch * size * size) * 32 * 5 * 5 * 32
            print(String(format: "time %.3f s for both towers, %.1f GFLOP/s", seconds, flops / seconds / 1e9))

            // The seed's last section: var_list = tf.trainable_variables();
            // init = tf.global_variables_initializer(); sess.run(init); for var in var_list: sess.run(var)
            let varList = trainableVariables()
            let initOp = globalVariablesInitializer()
            let session = try Session(graph: graph)
            try session.run(initOp)
            for variable in varList {
                let value = try session.run(variable)
                print("\(variable.name): \(value.shape), first value \(value.scalars[0])")
            }
        }
    }
}
