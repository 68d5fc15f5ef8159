import ArgumentParser
import Foundation
@_spi(Benchmarking) import TensorScope
import TensorScopeImage

extension Conv2DAlgorithm: ExpressibleByArgument {}
extension KernelISA: ExpressibleByArgument {}

/// Prints throughput, memory and the BLAS kernel for TensorScope's benchmark cases.
@main
struct TensorScopeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensorscope-bench",
        abstract: "Measure TensorScope's convolutions: GFLOP/s, images/s, peak memory, GEMM share.")

    @Option(name: .customLong("case"), help: "Run only these cases (repeatable); sgemm-2048 and soak (10⁴ passes, RSS at start and end) run only when named.")
    var cases: [String] = []
    @Option(help: "Timed runs per case.") var repeats = 7
    @Option(help: "Untimed warm-up runs per case.") var warmup = 2
    @Flag(help: "Print one JSON object per case instead of a table.") var json = false
    @Flag(help: "Also run image-filter-224 at batch 1, 8 and 32.") var batchScaling = false
    @Flag(help: "Also run the layers of image-filter-224, the digits CNN, MTCNN's PNet and RNet and ONet's first on their own (random input).") var layers = false
    @Flag(help: "Run the single-layer cases (seed-layer, s2-3x3, pointwise, deep-3x3) through a Session, built once on a placeholder, instead of eagerly.")
    var viaSession = false
    @Option(help: "Pin the convolution algorithm (\(Conv2DAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))); default: the planner's choice.")
    var algorithm: Conv2DAlgorithm?
    @Option(help: "Pin the instruction set of TensorScope's own kernels (avx2, avx512); default: the best the CPU has.")
    var isa: KernelISA?
    @Option(help: "Pin the output tile of 5 × 5 Winograd convolutions: 2 for F(2 × 2, 5 × 5), 3 for F(3 × 3, 5 × 5); default: the planner's choice.")
    var winogradTile: Int?
    @Option(help: "Run the single-layer cases (seed-layer, s2-3x3, pointwise, deep-3x3) at this batch instead of their own (their names then end in -b<batch>).")
    var batch: Int?

    func validate() throws {
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        if let winogradTile, winogradTile != 2 && winogradTile != 3 {
            throw ValidationError("--winograd-tile must be 2 or 3, got \(winogradTile)")
        }
    }

    /// A single-layer case's name and input shape at `--batch`, when given.
    func layer(_ name: String, _ input: [Int]) -> (name: String, input: [Int], description: String) {
        let shape = [batch ?? input[0]] + input.dropFirst()
        return (batch.map { "\(name)-b\($0)" } ?? name, shape, "[\(shape.map(String.init).joined(separator: ","))]")
    }

    func run() throws {
        try Startup.prepareProgram()  // BLAS kernel, environment overrides, allocator
        let info = BLAS.info
        if !json { print("BLAS: \(info); TensorScope workers: \(Workers.count)") }
        let peak = try pinned { KernelISA.inUse.map { PeakFLOPS.measure(isa: $0) } }
        if let peak, cases.isEmpty || cases.contains("peak") {
            let isaName = try pinned { KernelISA.inUse?.rawValue ?? "none" }
            print(json ? "{\"name\":\"peak\",\"gflops\":\(peak),\"isa\":\"\(isaName)\",\"threads\":\(Workers.count)}"
                       : String(format: "peak                   %6.1f GFLOP/s  register-only FMA loop, %@, %d workers", peak, isaName, Workers.count))
        }
        let seed = layer("seed-layer", [8, 64, 64, 32]), s2 = layer("s2-3x3", [1, 112, 112, 64])
        let pointwise = layer("pointwise", [4, 56, 56, 64]), deep = layer("deep-3x3", [4, 14, 14, 256])
        var all: [(String, () throws -> BenchCase)] = [
            ("seed-layer", { try Cases.convLayer(
                name: seed.name, description: "\(seed.description)*[5,5,32,32] SAME + bias + ReLU",
                input: seed.input, filter: [5, 5, 32, 32], bias: true, viaSession: viaSession) }),
            ("image-filter-224", { try Cases.imageFilter(name: "image-filter-224", images: Cases.photos(8)) }),
            ("s2-3x3", { try Cases.convLayer(
                name: s2.name, description: "\(s2.description)*[3,3,64,64] stride 2 SAME",
                input: s2.input, filter: [3, 3, 64, 64], strides: [2], bias: false, viaSession: viaSession) }),
            ("pointwise", { try Cases.convLayer(
                name: pointwise.name, description: "\(pointwise.description)*[1,1,64,64]",
                input: pointwise.input, filter: [1, 1, 64, 64], bias: false, viaSession: viaSession) }),
            ("deep-3x3", { try Cases.convLayer(
                name: deep.name, description: "\(deep.description)*[3,3,256,256] SAME (2.25 MiB of weights)",
                input: deep.input, filter: [3, 3, 256, 256], bias: false, viaSession: viaSession) }),
        ]
        all.append(("digits-cnn-eager", { try Cases.digits(batch: 256) }))
        all += ModelCases.all()
        all += try ModelCases.elementwise()
        if cases.contains("sgemm-2048") { all.append(("sgemm-2048", { Cases.sgemm(size: 2048) })) }
        if layers {
            all.append(("image-filter-224-conv1", { try Cases.convLayer(
                name: "image-filter-224-conv1", description: "[8,224,224,3]*[5,5,3,32] SAME + bias + ReLU",
                input: [8, 224, 224, 3], filter: [5, 5, 3, 32], bias: true) }))
            all.append(("image-filter-224-conv2", { try Cases.convLayer(
                name: "image-filter-224-conv2", description: "[8,224,224,32]*[5,5,32,32] SAME + bias + ReLU",
                input: [8, 224, 224, 32], filter: [5, 5, 32, 32], bias: true) }))
        }
        if layers {
            all.append(("digits-conv1", { try Cases.convLayer(
                name: "digits-conv1", description: "[256,8,8,1]*[3,3,1,16] SAME + bias + ReLU",
                input: [256, 8, 8, 1], filter: [3, 3, 1, 16], bias: true) }))
            all.append(("digits-conv2", { try Cases.convLayer(
                name: "digits-conv2", description: "[256,4,4,16]*[3,3,16,32] SAME + bias + ReLU",
                input: [256, 4, 4, 16], filter: [3, 3, 16, 32], bias: true) }))
            all += ModelCases.mtcnnLayers()
        }
        if batchScaling {
            for n in [1, 8, 32] {
                all.append(("image-filter-224-b\(n)", { try Cases.imageFilter(
                    name: "image-filter-224-b\(n)", images: Cases.photos(n)) }))
            }
        }
        if cases.contains("soak") { try pinned { try Soak.run(json: json) } }
        let chosen = cases.isEmpty ? all : all.filter { cases.contains($0.0) }
        guard !chosen.isEmpty || cases.allSatisfy({ ["peak", "soak"].contains($0) }) else {
            throw ValidationError("no case named \(cases); cases: \(all.map(\.0).joined(separator: ", "))")
        }
        for (_, make) in chosen {
            var result = try pinned { try measure(try make(), info: info) }
            result.peakGFLOPS = peak
            print(json ? result.json : result.line)
        }
    }

    /// `body` with `--algorithm`, `--winograd-tile` and `--isa` pinned, when given.
    func pinned<R>(_ body: () throws -> R) throws -> R {
        func withTile() throws -> R {
            guard let winogradTile else { return try body() }
            return try Conv2DAlgorithm.withWinogradTile(winogradTile, body)
        }
        func withAlgorithm() throws -> R {
            guard let algorithm else { return try withTile() }
            return try Conv2DAlgorithm.withPinned(algorithm, withTile)
        }
        guard let isa else { return try withAlgorithm() }
        return try KernelISA.withPinned(isa) { try withAlgorithm() }
    }

    func measure(_ c: BenchCase, info: BLASInfo) throws -> BenchResult {
        // Freed buffers are kept for reuse (Memory.retainFreedBuffers); hand back what earlier
        // cases left, so this case's peak is its own.
        Memory.releaseFreedBuffers()
        PeakMemory.reset()
        let timing = try Timing.measure(warmup: warmup, repeats: repeats, c.run)
        let peak = Memory.peakResidentBytes()
        let gemm = try Timing.measure(warmup: 1, repeats: repeats, c.runGEMMsOnly)
        return BenchResult(
            name: c.name, description: c.description, batch: c.batch, flops: c.flops, timing: timing,
            gemmSeconds: gemm.median, peakRSSBytes: peak, scratchBytes: c.scratchBytes, modelBytes: c.modelBytes,
            kernel: info.kernel, threads: Workers.count, algorithm: c.algorithm,
            isa: ownKernels(c.algorithm) ? (KernelISA.inUse?.rawValue ?? "none") : "openblas-\(info.kernel.lowercased())")
    }

    /// Whether a case ran on TensorScope's own kernels: its convolutions' algorithms (joined by
    /// `+`) include one besides im2col and a bare sgemm; a case that names no algorithms (a
    /// Session's plan, eager element-wise ops) did unless `--algorithm im2col` pinned them away.
    func ownKernels(_ caseAlgorithm: String) -> Bool {
        let parts = caseAlgorithm.split(separator: "+").map(String.init)
        guard parts.allSatisfy({ $0 == "sgemm" || Conv2DAlgorithm(rawValue: $0) != nil }) else {
            return algorithm != .im2col
        }
        return parts.contains { $0 != Conv2DAlgorithm.im2col.rawValue && $0 != "sgemm" }
    }
}
