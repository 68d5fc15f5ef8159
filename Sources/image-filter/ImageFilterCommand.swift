import ArgumentParser
import BundledPhotos
import Foundation
import TensorScope
import TensorScopeImage
import TensorScopeModels

/// The seed program on photographs: `my_image_filter` on batches of images, the batches sharing
/// one set of four variables; per image, a feature-map mosaic and, if asked, the feature map.
@main
struct ImageFilter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-filter",
        abstract: "Run my_image_filter on PNG and JPEG photos, batch by batch, sharing its 4 variables between batches.",
        discussion: """
            Images are files, or folders of them (sorted by path; --recursive descends; files that \
            are not PNG or JPEG are skipped with one line each). With none, the bundled photographs. \
            Each is read as RGB (gray replicated, alpha dropped), turned upright by its EXIF \
            orientation (JPEG; --ignore-orientation keeps the stored pixels, as TensorFlow's \
            decode_jpeg does), fitted to --size × --size (see --fit) and run through my_image_filter \
            in batches; the first batch creates the variables, the others share them as --method says:
              1  variableScope("image_filters", reuse: true) for later batches
              2  scope.reuseVariables() inside the first scope
              3  re-entering the captured scope object with reuse: true
            Batches are read, computed and written one at a time (the next one is decoded while the \
            current one computes), so memory does not grow with the number of images. Large JPEGs are \
            decoded at 1/2, 1/4 or 1/8 scale when their shorter side is at least 4 × --size \
            (--exact-decode never scales). Outputs per image, in folders that mirror the inputs (a named \
            folder by its own name, then the path below it; --flat for numbered names in one folder): \
            a mosaic of the 32 conv2 feature maps, PATH-features.png in --output (--no-mosaics to \
            skip), and, with --features DIR, DIR/PATH.safetensors holding the [size, size, 32] map \
            under the key "features"; PATH is e.g. photos/2024/IMG_0042.jpg.
            Many machines: --shard INDEX/COUNT processes every COUNT-th image from INDEX; without it, \
            a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (with --shard-count) or a Slurm array's \
            SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT choose the shard. --resume skips images whose \
            outputs exist.
            """)

    @Argument(help: "PNG or JPEG files, or folders of them (default: the bundled photos).") var images: [String] = []
    @Flag(help: "Descend into sub-folders of the folders named.") var recursive = false
    @Option(help: "Sharing method: 1, 2 or 3 (see above).") var method: SharingMethod = .reuseTrue
    @Option(help: "Images per batch (default: two batches for up to 16 images, else 8 per batch).") var batchSize: Int?
    @Option(help: "Height and width the images are brought to.") var size = 224
    @Option(help: "How images reach the size: fill (scale the shorter side, crop the centre), resize, crop.")
    var fit: Fit = .fill
    @Option(help: "Seed for the weight initializers.") var seed = 1
    @Option(help: "Folder for the mosaics (created if missing).") var output = "image-filter-output"
    @Flag(inversion: .prefixedNo, help: "Write a feature-map mosaic per image.") var mosaics = true
    @Flag(help: "Write all outputs into the output folders themselves, numbered by input position, instead of mirroring the input folders.")
    var flat = false
    @Option(help: "Folder for per-image feature maps as safetensors (created if missing).") var features: String?
    @Option(help: "How feature maps are stored: float32, or float16 (half the size, about 3 significant digits).")
    var featuresDtype: FeaturesDType = .float32
    @Option(help: "Refuse images with more pixels than this as decoded.") var maxPixels = ImageReader.defaultMaxPixels
    @Flag(help: "Decode JPEGs at full size even when they are much larger than --size.") var exactDecode = false
    @Flag(help: "Keep JPEGs' stored pixel order instead of applying their EXIF orientation.") var ignoreOrientation = false
    @Flag(help: "Skip images whose outputs already exist (to restart a run that was stopped).") var resume = false
    @Option(help: "Process only this share of the sorted images: INDEX/COUNT, INDEX from 0.") var shard: String?
    @Option(help: "The number of shards, with Kubernetes' JOB_COMPLETION_INDEX.") var shardCount: Int?
    @Option(help: "Write the 4 variables to this safetensors file after the run.") var saveWeights: String?
    @Option(help: ArgumentHelp(
        "Start from the 4 variables in this safetensors file or TensorFlow checkpoint instead of random ones.",
        discussion: "A checkpoint is named by its prefix (model.ckpt for model.ckpt.index and its data files) or its .index file."))
    var loadWeights: String?
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
        guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1, got \(maxPixels)") }
        if let shard, !(Shard(shard)?.isValid ?? false) {
            throw ValidationError("--shard must be INDEX/COUNT with 0 ≤ INDEX < COUNT, got \(shard)")
        }
        if let shardCount, shardCount < 1 { throw ValidationError("--shard-count must be at least 1, got \(shardCount)") }
        let environment = ProcessInfo.processInfo.environment
        if shard == nil && shardCount == nil, let index = environment["JOB_COMPLETION_INDEX"] {
            throw ValidationError("JOB_COMPLETION_INDEX is \(index) (a Kubernetes Indexed Job) but --shard-count is not given, "
                                  + "so every pod would process every image; pass --shard-count with the Job's completions")
        }
    }

    func run() throws {
        try Startup.prepareProgram()  // BLAS kernel, environment overrides, allocator
        print("BLAS: \(BLAS.info)")
        if !mosaics && features == nil && logdir == nil && saveWeights == nil {
            print("--no-mosaics without --features (or --logdir, --save-weights): computing only, nothing is written")
        }

        // Inputs, this shard's share, and what is already done.
        let outputFolders = [mosaics ? output : nil, features].compactMap { $0 }
        let inputs = images.isEmpty
            ? Inputs(files: try BundledPhotos.paths().map { Inputs.File(path: $0, explicit: true, name: Inputs.lastComponent($0)) })
            : try Inputs.collect(images, recursive: recursive, excluding: outputFolders) { print($0) }
        let chosenShard = shard.map { Shard($0)! } ?? Shard.fromEnvironment(ProcessInfo.processInfo.environment, shardCount: shardCount) ?? .all
        guard chosenShard.isValid else { throw ValidationError("shard \(chosenShard) from the environment is not valid") }
        let plan = OutputPlan(mosaicsFolder: mosaics ? output : nil, featuresFolder: features, total: inputs.files.count, flat: flat)
        try plan.checkDistinct(inputs.files)
        let initialValues = try loadWeights.map { try ImageFilter.weights(at: $0, expecting: ImageFilterModel.variableShapes(channels: 3)) }
        // What the outputs depend on; a resumed run must match what the folders hold.
        let settings = RunSettings(
            size: size, fit: "\(fit)", weights: initialValues.map { "file \(RunSettings.digest(of: $0))" } ?? "seed \(seed)",
            exactDecode: exactDecode, ignoreOrientation: ignoreOrientation, featuresDType: featuresDtype.rawValue,
            layout: flat ? "flat" : "tree")
        if resume {
            for folder in outputFolders {
                if let recorded = try RunSettings.recorded(in: folder) { try settings.check(against: recorded, folder: folder) }
            }
        }
        var items = chosenShard.positions(of: inputs.files.count).map { Prefetcher.Item(position: $0, file: inputs.files[$0]) }
        let before = items.count
        if resume { items.removeAll { plan.isDone(position: $0.position, file: $0.file) } }

        // Outputs are checked before anything is computed.
        if mosaics { try OutputPlan.prepareFolder(output, role: "mosaics") }
        if let features { try OutputPlan.prepareFolder(features, role: "features") }
        if let logdir { try OutputPlan.prepareFolder(logdir, role: "log") }
        if let saveWeights { try OutputPlan.checkWritableFile(saveWeights, role: "weights") }
        for folder in outputFolders { try settings.record(in: folder) }
        guard !items.isEmpty else {
            print(before == 0 ? "no images to process" : "nothing to do: all \(before) image(s) of shard \(chosenShard) have their outputs")
            return
        }
        let perBatch = batchSize ?? (items.count <= 16 ? max(1, (items.count + 1) / 2) : 8)
        let batches = stride(from: 0, to: items.count, by: perBatch).map { Array(items[$0..<min($0 + perBatch, items.count)]) }
        print("\(items.count) image(s)\(chosenShard == .all ? "" : " of shard \(chosenShard)")"
              + (before > items.count ? " (\(before - items.count) already done)" : "")
              + " in \(batches.count) batch(es) of up to \(perBatch), \(size) × \(size)")

        // The graph is built once (the seed's two towers on placeholders) and each batch runs
        // through a Session, so the record does not grow with the number of batches.
        let graph = Graph()
        if let initialValues { graph.setInitialValues(initialValues) }
        let options = ImageReader.ReadOptions(
            channels: .rgb, maxPixels: maxPixels, targetSize: exactDecode ? nil : size, appliesOrientation: !ignoreOrientation)
        let (size, fit) = (self.size, self.fit)
        let progress = Progress(total: items.count)
        let prefetcher = Prefetcher(
            batches: batches,
            read: { try ImageReader.read($0.file.path, options: options) },
            fit: { try ImageBatch.fitted($0, size: size, fit: fit, path: $1.file.path) },
            skip: { progress.skip($0) })
        let verbose = batches.count <= 10
        var current: Prefetcher.Batch?
        var handedOut = Date()
        let writer = OutputWriter()
        do {
            try graph.asDefault {
                try ImageFilterModel.streamThroughSession(method: method, seed: seed, channels: 3, next: {
                    current = try prefetcher.next()
                    handedOut = Date()
                    return current?.tensor
                }) { index, result in
                    progress.computeSeconds += Date().timeIntervalSince(handedOut)
                    let batch = current!
                    if verbose {
                        progress.note("batch \(index + 1): \(batch.items.count) image(s) → \(result.shape), \(OutputStatistics(result))")
                    }
                    let command = self
                    try command.prepareFolders(for: batch.items, plan: plan)
                    try writer.submit(batch.items.enumerated().map { i, item in
                        { try command.write(result, index: i, item: item, plan: plan) }
                    })
                    progress.advance(by: batch.items.count)
                }
            }
            try writer.finish()
        } catch {
            // What was computed is not lost with a failed write: the weights and graph still go
            // out, and every output that failed is reported, not only the first.
            var failures = [error]
            do { try writer.finish() } catch { failures.append(error) }
            throw OutputFailures(failures + saveArtifacts(graph))
        }
        if verbose && !graph.trainableVariables.isEmpty {
            print("trainable variables:")
            for variable in graph.trainableVariables { print(variable) }
        }
        let failures = saveArtifacts(graph)
        guard failures.isEmpty else { throw OutputFailures(failures) }
        print(progress.summary(decodeSeconds: prefetcher.seconds, writeSeconds: writer.seconds))
        print(String(format: "peak RSS %.1f MiB", Double(Memory.peakResidentBytes()) / 1_048_576))
    }

    /// The folders a batch's outputs go into, made before its files are written in parallel.
    func prepareFolders(for items: [Prefetcher.Item], plan: OutputPlan) throws {
        guard !plan.flat else { return }
        let paths = items.flatMap { [plan.mosaicPath(position: $0.position, file: $0.file),
                                     plan.featuresPath(position: $0.position, file: $0.file)].compactMap { $0 } }
        for parent in Set(paths.map { ($0 as NSString).deletingLastPathComponent }).sorted() {
            try OutputPlan.makeFolder(parent)
        }
    }

    /// The outputs of image `i` of a batch.
    func write(_ features: Tensor, index i: Int, item: Prefetcher.Item, plan: OutputPlan) throws {
        if let path = plan.mosaicPath(position: item.position, file: item.file) {
            try FeatureMosaic.write(features, index: i, to: path)
        }
        if let path = plan.featuresPath(position: item.position, file: item.file) {
            // Image i's map straight from the batch's buffer: no copy of it is made.
            let shape = Array(features.shape.dropFirst())
            let map = shape.reduce(1, *)
            try features.withUnsafeBufferPointer { batch in
                try SafeTensors.write([("features", shape, UnsafeBufferPointer(rebasing: batch[(i * map)..<((i + 1) * map)]))],
                                      metadata: ["source": item.file.path, "producer": "TensorScope image-filter"],
                                      dtype: featuresDtype.safetensors, to: path, followingLinks: false, bypassingCache: true)
            }
        }
    }

    /// Writes the TensorBoard graph and the weights, each tried whatever became of the other;
    /// returns what failed.
    func saveArtifacts(_ graph: Graph) -> [Error] {
        guard !graph.globalVariables.isEmpty else { return [] }
        var failures: [Error] = []
        if let logdir {
            do {
                let file = try graph.writeTensorBoardGraph(logdir: logdir)
                print("graph written to \(file) (tensorboard --logdir \(logdir))")
            } catch {
                failures.append(error)
            }
        }
        if let saveWeights {
            do {
                try graph.saveVariables(to: saveWeights)
                print("weights saved to \(saveWeights)")
            } catch {
                failures.append(error)
            }
        }
        return failures
    }
}

/// Every output that failed in a run, one per line (the same failure once).
struct OutputFailures: Error, CustomStringConvertible {
    let failures: [String]

    init(_ errors: [Error]) {
        var seen = Set<String>()
        failures = errors.map { "\($0)" }.filter { seen.insert($0).inserted }
    }

    var description: String {
        failures.count == 1 ? failures[0] : "\(failures.count) outputs failed:\n" + failures.joined(separator: "\n")
    }
}

/// `--features-dtype`.
enum FeaturesDType: String, ExpressibleByArgument, CaseIterable {
    case float32, float16

    var safetensors: SafeTensors.DType { self == .float32 ? .float32 : .float16 }
}

extension Fit: ExpressibleByArgument {}
extension SharingMethod: ExpressibleByArgument {}
