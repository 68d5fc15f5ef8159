import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

/// The image-filter executable, run as a user runs it.
@Suite(.serialized) struct ImageFilterCLITests {
    typealias Run = Executable.Run

    static var executable: URL { Executable.url("image-filter") }

    func run(_ arguments: [String], environment: [String: String] = [:], executable: URL = Self.executable) throws -> Run {
        try Executable.run(executable, arguments, environment: environment)
    }

    @Test func runsOnTheBundledPhotosAndWritesMosaics() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["--size", "32", "--output", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("BLAS: OpenBLAS") == true)
        #expect(lines.filter { $0.hasPrefix("<Variable 'image_filters/") }.count == 4)
        #expect(lines.contains("<Variable 'image_filters/conv1/weights:0' shape=(5, 5, 3, 32) dtype=float32>"))
        #expect(lines.contains("7 image(s) in 2 batch(es) of up to 4, 32 × 32"))
        #expect(lines.contains { $0.hasPrefix("batch 1: 4 image(s) → [4, 32, 32, 32]") })
        #expect(lines.contains { $0.hasPrefix("batch 2: 3 image(s) → [3, 32, 32, 32]") })
        #expect(lines.contains { $0.hasPrefix("7/7 images") })
        #expect(lines.contains { $0.contains("images/s end to end (read + compute + write)") && $0.contains("images/s compute only") })
        let mosaics = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(mosaics == ["astronaut_256.png-features.png", "camera-gray.jpg-features.png", "camera.png-features.png",
                            "chelsea.jpg-features.png", "chelsea.png-features.png", "coffee_256-progressive.jpg-features.png",
                            "coffee_256.png-features.png"])
    }

    @Test func everyBrokenInputEndsWithOneLineNamingTheFile() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        for bad in [Paths.fixture("png/no_idat.png"), Paths.fixture("png/absurd_dimensions.png"),
                    Paths.fixture("png/missing_rows.png"), empty.path, folder.appendingPathComponent("nope.png").path] {
            let result = try run([Paths.photo("chelsea.png"), bad, "--size", "16", "--output", folder.path])
            #expect(result.status != 0)
            let errorLines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("TensorScope:") }
            #expect(errorLines.count == 1 && errorLines[0].contains(bad), "\(result.stderr)")
        }
    }

    @Test func weightsSaveAndLoadAndTheMethodsAgree() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("w.safetensors").path
        let saved = try run(["--size", "24", "--seed", "5", "--output", folder.path, "--save-weights", weights])
        #expect(saved.status == 0, "\(saved.stderr)")
        for method in ["1", "2", "3"] {
            let loaded = try run(["--size", "24", "--seed", "77", "--method", method, "--output", folder.path, "--load-weights", weights])
            #expect(loaded.status == 0, "\(loaded.stderr)")
            #expect(statistics(loaded) == statistics(saved), "method \(method)")
        }
        let bogus = folder.appendingPathComponent("bogus.safetensors")
        try Data("not a checkpoint".utf8).write(to: bogus)
        let failed = try run(["--size", "24", "--output", folder.path, "--load-weights", bogus.path])
        #expect(failed.status != 0 && failed.stderr.contains(bogus.path))
        let badMethod = try run(["--method", "4"])
        #expect(badMethod.status != 0 && badMethod.stderr.contains("--method"))
    }

    /// The per-batch statistics lines a run printed.
    func statistics(_ r: Run) -> [String] { r.stdout.split(separator: "\n").filter { $0.hasPrefix("batch ") }.map(String.init) }

    /// --load-weights takes a TensorFlow checkpoint too, by prefix or by its .index file, with
    /// the same strictness: the weights a run saved, written as a checkpoint (the tests' own
    /// writer), give the same statistics.
    @Test func weightsLoadFromATensorFlowCheckpoint() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("w.safetensors").path
        let saved = try run(["--size", "24", "--seed", "5", "--output", folder.path, "--save-weights", weights])
        #expect(saved.status == 0, "\(saved.stderr)")
        let tensors = try SafeTensors.read(weights)
        let writer = CheckpointWriter()
        let prefix = try writer.write(
            try writer.parts(tensors.map { (key: $0.key, shape: $0.value.shape, values: $0.value.scalars) }), to: folder)
        for path in [prefix, prefix + ".index"] {
            let loaded = try run(["--size", "24", "--seed", "77", "--output", folder.path, "--load-weights", path])
            #expect(loaded.status == 0, "\(loaded.stderr)")
            #expect(statistics(loaded) == statistics(saved), "\(path)")
        }
        let partial = try writer.write(
            try writer.parts(tensors.filter { $0.key != "image_filters/conv2/biases" }
                .map { (key: $0.key, shape: $0.value.shape, values: $0.value.scalars) }), to: folder, name: "partial.ckpt")
        let failed = try run(["--size", "24", "--output", folder.path, "--load-weights", partial])
        #expect(failed.status != 0 && failed.stderr.contains("missing key 'image_filters/conv2/biases'"), "\(failed.stderr)")
    }

    /// --logdir writes the run's graph: both towers reading the four shared variables.
    @Test(arguments: ["1", "2", "3"])
    func logdirWritesTheGraphOfTheRun(method: String) throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logdir = folder.appendingPathComponent("logs")
        let result = try run(["--size", "16", "--method", method, "--output", folder.path, "--logdir", logdir.path])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: logdir.path)
        #expect(files.count == 1 && files[0].hasPrefix("events.out.tfevents."))
        let records = try TFRecord.decode(try Data(contentsOf: logdir.appendingPathComponent(files[0])))
        let graph = try Tensorflow_GraphDef(serializedBytes: try Tensorflow_Event(serializedBytes: records[1]).graphDef)
        #expect(graph.node.filter { $0.op == "VarHandleOp" }.map(\.name).sorted() == [
            "image_filters/conv1/biases", "image_filters/conv1/weights",
            "image_filters/conv2/biases", "image_filters/conv2/weights"])
        let second = method == "2" ? "image_filters/conv1_1/Conv2D" : "image_filters_1/conv1/Conv2D"
        #expect(graph.node.filter { $0.op == "Conv2D" }.map(\.name).contains(second))
        #expect(result.stdout.contains("graph written to \(logdir.path)/events.out.tfevents."))
    }

    /// A file whose name starts with a dash is not taken for options (it used to print the help).
    @Test func aDashedFileNameIsNotReadAsOptions() throws {
        let result = try run(["-dash.png"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("-dash.png looks like a file name, not an option; write ./-dash.png"))
        #expect(!result.stdout.contains("OVERVIEW"))
    }

    /// An output folder that cannot be used fails before anything is computed, naming it; a
    /// mosaic that fails mid-run does not cost the weights or the graph: both are still written.
    @Test func outputProblemsFailEarlyAndNeverCostTheWeights() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let early = try run(["--size", "16", "--output", blocker.path])
        #expect(early.status != 0 && early.stderr.contains(blocker.path) && !early.stdout.contains("batch 1"))
        let orphan = try run(["--size", "16", "--output", folder.path, "--save-weights", "/no/such/folder/w.safetensors"])
        #expect(orphan.status != 0 && orphan.stderr.contains("/no/such/folder/w.safetensors"))
        // A directory where the second batch's first mosaic goes: that write fails mid-run.
        let mosaics = folder.appendingPathComponent("m")
        try FileManager.default.createDirectory(at: mosaics.appendingPathComponent("chelsea.png-features.png"), withIntermediateDirectories: true)
        let weights = folder.appendingPathComponent("w.safetensors").path
        let result = try run(["--size", "16", "--output", mosaics.path, "--save-weights", weights,
                              "--logdir", folder.appendingPathComponent("logs").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("chelsea.png-features.png"))
        #expect(try SafeTensors.read(weights).count == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("logs").path).count == 1)
    }
}

/// What a user sees of a run as it goes: lines that reach a log file as they are printed (and
/// survive a kill), and the help text.
@Suite struct ImageFilterOutputTests {
    /// Standard output to a file, as a batch scheduler sets it up: the first lines are in the
    /// file while the run is still going, and still there after `kill -9`.
    @Test func linesReachALogFileAsTheyArePrinted() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("run.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = ImageFilterCLITests.executable
        // Long enough to be killed while it runs: 1024 × 1024 images one at a time.
        process.arguments = ["--size", "1024", "--batch-size", "1", "--no-mosaics", "--features",
                             folder.appendingPathComponent("features").path]
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        var sawOutputWhileRunning = false
        for _ in 0..<600 where process.isRunning {
            let size = (try? FileManager.default.attributesOfItem(atPath: log.path)[.size] as? Int) ?? 0
            if size > 0 {
                sawOutputWhileRunning = process.isRunning
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try handle.close()
        #expect(sawOutputWhileRunning, "nothing reached the log while image-filter ran")
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.hasPrefix("BLAS: OpenBLAS"), "\(text)")
    }

    /// `--resume` in a folder written with other settings is refused, naming each difference;
    /// with the same settings it finds the work done.
    @Test func resumeChecksTheRunSettings() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cli = ImageFilterCLITests()
        let first = try cli.run(["--size", "16", "--seed", "1", "--output", folder.path])
        #expect(first.status == 0, "\(first.stderr)")
        let other = try cli.run(["--resume", "--size", "24", "--seed", "7", "--output", folder.path])
        #expect(other.status != 0)
        #expect(other.stderr.contains("--size 16 there, 24 now") && other.stderr.contains("weights seed 1 there, seed 7 now"),
                "\(other.stderr)")
        let same = try cli.run(["--resume", "--size", "16", "--seed", "1", "--output", folder.path])
        #expect(same.status == 0 && same.stdout.contains("nothing to do"), "\(same.stdout)\(same.stderr)")
    }

    /// A named input that does not exist ends the run before any image is computed.
    @Test func missingInputsAreFoundFirst() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("nope.png").path
        let result = try ImageFilterCLITests().run(
            ["--size", "16", "--output", folder.appendingPathComponent("out").path, Paths.photo("chelsea.png"), missing])
        #expect(result.status != 0 && result.stderr.contains("\(missing): no such file"), "\(result.stderr)")
        #expect(!result.stdout.contains("batch 1"), "\(result.stdout)")
    }

    /// Settings that would silently do nothing useful are refused in one line.
    @Test func silentChoicesAreRefused() throws {
        let cli = ImageFilterCLITests()
        let nothing = try cli.run(["--size", "8", "--no-mosaics"])
        #expect(nothing.status == 0 && nothing.stdout.contains("--no-mosaics without --features"), "\(nothing.stdout)")
        let pod = try cli.run(["--size", "16"], environment: ["JOB_COMPLETION_INDEX": "3"])
        #expect(pod.status != 0 && pod.stderr.contains("--shard-count"), "\(pod.stderr)")
    }

    /// `--features-dtype float16`: half-size files, `F16` in the header, read back as float32
    /// within half precision of the float32 run's values.
    @Test func featuresCanBeHalfPrecision() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cli = ImageFilterCLITests()
        let (full, half) = (folder.appendingPathComponent("f32"), folder.appendingPathComponent("f16"))
        for (dtype, out) in [("float32", full), ("float16", half)] {
            let result = try cli.run(["--size", "16", "--no-mosaics", "--features", out.path, "--features-dtype", dtype,
                                      Paths.photo("chelsea.png")])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let name = "chelsea.png.safetensors"
        let (a, b) = (full.appendingPathComponent(name).path, half.appendingPathComponent(name).path)
        let sizes = try [a, b].map { try #require(FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) }
        #expect(sizes[1] < sizes[0] * 6 / 10, "\(sizes)")
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: b)).prefix(200), as: UTF8.self)
        #expect(header.contains("\"dtype\":\"F16\""), "\(header)")
        let (x, y) = (try #require(try SafeTensors.read(a)["features"]), try #require(try SafeTensors.read(b)["features"]))
        #expect(x.shape == [16, 16, 32] && y.shape == x.shape)
        // Half precision keeps 11 significant bits: relative error at most 2⁻¹¹ (values are ≥ 0).
        let worst = zip(x.scalars, y.scalars).map { abs($0 - $1) / max(abs($0), 1e-3) }.max() ?? 0
        #expect(worst <= 1.0 / 2048, "worst relative error \(worst)")
        #expect(x.scalars != y.scalars)
    }

    /// The closing line says how long each stage was busy and which one bound the run.
    @Test func theSummarySaysWhichStageBoundTheRun() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ImageFilterCLITests().run(["--size", "16", "--output", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("images/s end to end") })
        let stages = try #require(line.range(of: "; stages: decode ")).upperBound
        let times = line[stages...].split(separator: " ").compactMap { Double($0) }
        #expect(times.count == 3 && times.allSatisfy { $0 >= 0 }, "\(line)")
        // The line prints times to 0.01 s and names the stage by the unrounded ones: any stage
        // whose printed time is the largest may be named, and no other.
        let names = ["decode", "compute", "write"]
        let largest = times.max() ?? 0
        let named = try #require(names.first { line.hasSuffix("(bound by \($0))") }, "\(line)")
        #expect(times[names.firstIndex(of: named)!] == largest, "\(line)")
    }

    @Test func helpHasNoStrayBackslashes() throws {
        let result = try ImageFilterCLITests().run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("files that are not PNG or JPEG") && !result.stdout.contains("\\\n"), "\(result.stdout)")
    }
}

/// The progress bar on a terminal (`script` gives image-filter one): every other line is
/// printed on a cleared line above the bar, and with a skipped image the bar still reaches
/// the total and ends its line.
@Suite struct ProgressBarTests {
    @Test func linesGoAboveTheBarAndSkippedImagesCount() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = folder.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for name in ["chelsea.png", "camera.png"] {
            try FileManager.default.copyItem(atPath: Paths.photo(name), toPath: photos.appendingPathComponent(name).path)
        }
        // A truncated JPEG in the folder: skipped when its batch is read.
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: Paths.photo("chelsea.jpg")))
        try jpeg.prefix(jpeg.count / 3).write(to: photos.appendingPathComponent("broken.jpg"))
        let command = [ImageFilterCLITests.executable.path, "--size", "16", "--batch-size", "1",
                       "--output", folder.appendingPathComponent("out").path, photos.path].joined(separator: " ")
        let result = try ImageFilterCLITests().run(["-qec", command, "/dev/null"], executable: URL(fileURLWithPath: "/usr/bin/script"))
        #expect(result.status == 0, "\(result.stdout)")
        let text = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        // Each note starts on a cleared line, never glued to the bar.
        #expect(!text.contains("sskipping") && !text.contains("sbatch") && !text.contains("strainable"), "\(text)")
        #expect(text.contains("\nskipping ") || text.contains("\r\u{1B}[Kskipping "), "\(text)")
        #expect(text.contains("\r\u{1B}[Kbatch 1:") && text.contains("\r\u{1B}[Kbatch 2:"), "\(text)")
        // The bar ends at 3/3 (one skipped) on a line of its own.
        #expect(text.contains("3/3 images (1 skipped)"), "\(text)")
        let last = try #require(text.components(separatedBy: "\r").last { $0.contains("3/3 images") })
        #expect(last.contains("\ntrainable variables:"), "\(last)")
    }
}
