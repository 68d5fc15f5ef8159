import ArgumentParser
import Foundation
import TensorScope
import TensorScopeModels
import TensorScopeImage
import BundledPhotos

/// The seed program on photographs: `my_image_filter` on batches of images, the batches sharing
/// one set of four variables; writes a feature-map mosaic per image.
@main
struct ImageFilter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-filter",
        abstract: "Run my_image_filter on batches of PNG photos, sharing its 4 variables between batches.",
        discussion: """
            With no image paths it runs on the bundled photographs. Images are read as \
            RGB (gray replicated, alpha dropped), fitted to --size × --size (see --fit), split into \
            batches and run through my_image_filter; the first batch creates the variables, the \
            others share them the way --method says:
              1  variableScope("image_filters", reuse: true) for later batches
              2  scope.reuseVariables() inside the first scope
              3  re-entering the captured scope object with reuse: true
            One mosaic of the 32 conv2 feature maps per image is written to --output; --logdir \
            writes the graph for TensorBoard, --save-weights the 4 variables (both before the mosaics, \
            so a failing mosaic never costs the weights).
            """)

    @Argument(help: "PNG files (default: the bundled photos).") var images: [String] = []
    @Option(help: "Sharing method: 1, 2 or 3 (see above).") var method: SharingMethod = .reuseTrue
    @Option(help: "Images per batch (default: two batches when there are two or more images).") var batchSize: Int?
    @Option(help: "Height and width the images are brought to.") var size = 224
    @Option(help: "How images reach the size: fill (scale the shorter side, crop the centre), resize, crop.")
    var fit: Fit = .fill
    @Option(help: "Seed for the weight initializers.") var seed = 1
    @Option(help: "Folder for the mosaics (created if missing).") var output = "image-filter-output"
    @Option(help: "Write the 4 variables to this safetensors file after the run.") var saveWeights: String?
    @Option(help: "Start from the 4 variables in this safetensors file instead of random ones.") var loadWeights: String?
    @Option(help: "Write the run's graph (both towers, the shared variables) for TensorBoard into this folder.")
    var logdir: String?

    /// Parses as ArgumentParser does, but first refuses a single-dash word that looks like a
    /// file name (`-dash.png`): ArgumentParser would read it as bundled short flags, one of
    /// them `-h`, and print the help instead of reading the file.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let ends = arguments.firstIndex(of: "--") ?? arguments.count
        if let word = arguments[..<ends].first(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.count > 2 && $0.contains(".") }) {
            exit(withError: ValidationError(
                "\(word) looks like a file name, not an option; write ./\(word), or put it after --"))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            // What was printed so far comes out before the error, even into a pipe.
            fflush(nil)
            exit(withError: error)
        }
    }

    func validate() throws {
        guard (1...4096).contains(size) else { throw ValidationError("--size must be between 1 and 4096, got \(size)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        BLAS.ensureBestKernel()
        _ = try Conv2DAlgorithm.fromEnvironment()  // a typo in TENSORSCOPE_CONV_ALGORITHM is an error, not ignored
        Memory.retainFreedBuffers()
        print("BLAS: \(BLAS.info)")
        let paths = images.isEmpty ? try BundledPhotos.paths() : images
        let batches = try Batches.split(paths, batchSize: batchSize).map { batch in
            (paths: batch, tensor: try ImageBatch.load(batch, size: size, fit: fit, channels: .rgb))
        }
        let graph = Graph()
        if let loadWeights {
            graph.setInitialValues(try SafeTensors.read(loadWeights, expecting: ImageFilterModel.variableShapes(channels: 3)))
        }
        let start = Date()
        let outputs = try graph.asDefault {
            try ImageFilterModel.run(batches.map(\.tensor), method: method, seed: seed) { index in
                if batches.count > 1 { print("[\(index + 1)/\(batches.count)] batch of \(batches[index].paths.count) image(s) done") }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("trainable variables:")
        for variable in graph.trainableVariables { print(variable) }
        for (i, (batch, result)) in zip(batches, outputs).enumerated() {
            print("batch \(i + 1): \(batch.paths.count) image(s) → \(result.shape), \(OutputStatistics(result))")
        }
        let count = paths.count
        print(String(format: "time %.3f s for %d image(s), %.1f images/s", seconds, count, Double(count) / seconds))
        if let logdir {
            let file = try graph.writeTensorBoardGraph(logdir: logdir)
            print("graph written to \(file) (tensorboard --logdir \(logdir))")
        }
        if let saveWeights {
            try graph.saveVariables(to: saveWeights)
            print("weights saved to \(saveWeights)")
        }
        try writeMosaics(batches.map(\.paths), outputs)
    }

    func writeMosaics(_ paths: [[String]], _ outputs: [Tensor]) throws {
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw TensorScopeError(.io, "\(output): cannot create the output folder (\(error.localizedDescription))")
        }
        var number = 0
        for (batchPaths, features) in zip(paths, outputs) {
            for (i, path) in batchPaths.enumerated() {
                number += 1
                let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                let file = (output as NSString).appendingPathComponent(String(format: "%02d-%@-features.png", number, stem))
                try PNGWriter.write(try FeatureMosaic.make(features, index: i), to: file)
                print("wrote \(file)")
            }
        }
    }
}

extension Fit: ExpressibleByArgument {}
extension SharingMethod: ExpressibleByArgument {}
