import Foundation
import Testing
import TensorScope
@testable import TensorScopeTensorFlow

/// TensorFlow V2 checkpoints: the files TensorFlow wrote (Fixtures/tf_checkpoints, from
/// scripts/generate_tf_checkpoint_fixtures.py) read back as tf.train.load_checkpoint reads them,
/// and files from the test's own writer (Support/CheckpointWriter.swift), damaged on purpose.
@Suite struct TensorFlowCheckpointTests {
    struct Expected: Decodable {
        struct Entry: Decodable {
            var dtype: String
            var shape: [Int]
            var values: [Double]?
        }
        struct Forward: Decodable {
            var input: [Float]
            var input_shape: [Int]
            var logits: [Float]
        }
        var checkpoints: [String: [String: Entry]]
        var training_forward: Forward
    }

    static let expected: Expected = {
        let url = URL(fileURLWithPath: Paths.fixture("tf_checkpoints/expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }()

    static func prefix(_ name: String) -> String { Paths.fixture("tf_checkpoints/" + name) }

    @Test(arguments: ["training/model.ckpt", "dtypes/model.ckpt", "partitioned/model.ckpt", "object/ckpt-1", "sharded/ckpt-1"])
    func listsAndReadsWhatTensorFlowWrote(_ name: String) throws {
        let checkpoint = try TensorFlowCheckpoint(prefix: Self.prefix(name))
        let expected = Self.expected.checkpoints[name]!
        #expect(checkpoint.keys == expected.keys.sorted())
        for entry in checkpoint.entries {
            let want = expected[entry.key]!
            #expect(entry.dtype == want.dtype, "\(entry.key)")
            #expect(entry.shape == want.shape, "\(entry.key)")
            guard entry.isFloatingPoint, let values = want.values else { continue }
            let tensor = try checkpoint.tensor(entry.key)
            #expect(tensor.shape == want.shape)
            // float16 and bfloat16 widen exactly; float64 rounds to the nearest float32.
            #expect(tensor.scalars == values.map { Float($0) }, "\(entry.key)")
        }
    }

    @Test func refusesNonFloatingTensorsByName() throws {
        let checkpoint = try TensorFlowCheckpoint(prefix: Self.prefix("dtypes/model.ckpt"))
        #expect(checkpoint.entry("i64")?.isFloatingPoint == false)
        for key in ["i32", "i64"] {
            let error = #expect(throws: TensorScopeError.self) { try checkpoint.tensor(key) }
            #expect(error?.description.contains("key '\(key)' holds int") == true, "\(error?.description ?? "")")
        }
        let missing = #expect(throws: TensorScopeError.self) { try checkpoint.tensor("nope") }
        #expect(missing?.description.contains("no tensor named 'nope'") == true)
    }

    /// The model scripts/generate_tf_checkpoint_fixtures.py trained one step, built with the
    /// same variable names.
    static func trainingModel(_ x: some TensorConvertible) throws -> Tensor {
        var h = try variableScope("conv1") { _ in
            let w = try getVariable("weights", shape: [3, 3, 1, 4])
            let b = try getVariable("biases", shape: [4])
            return relu(try conv2d(x, w, strides: [1, 1, 1, 1], padding: .same) + b)
        }
        h = try reshape(h, [-1, 64])
        return try variableScope("fc") { _ in
            try matmul(h, try getVariable("weights", shape: [64, 3])) + (try getVariable("biases", shape: [3]))
        }
    }

    @Test func restoresATrainingCheckpointAndComputesTensorFlowsLogits() throws {
        let graph = Graph()
        let forward = Self.expected.training_forward
        let input = try Tensor(shape: forward.input_shape, scalars: forward.input)
        try graph.asDefault {
            let x = try placeholder(shape: [nil, 4, 4, 1], name: "x")
            let logits = try Self.trainingModel(x)
            // global_step (int64) and the four <variable>/Momentum slots are skipped.
            try graph.restoreVariables(fromTensorFlowCheckpoint: Self.prefix("training/model.ckpt"))
            let stored = Self.expected.checkpoints["training/model.ckpt"]!
            for variable in graph.globalVariables {
                #expect(variable.value.scalars == stored[variable.name]!.values!.map { Float($0) }, "\(variable.name)")
            }
            // Run through a Session: TensorFlow's logits.
            let session = try Session(graph: graph)
            let got = try session.run(logits, feeds: ["x": input])
            expectClose(got.scalars, forward.logits, relative: 1e-4, "logits")
        }
    }

    @Test func strictRestoreNamesEveryFaultAndChangesNothing() throws {
        let graph = Graph()
        try graph.asDefault {
            try variableScope("conv1") { _ in
                _ = try getVariable("weights", shape: [3, 3, 1, 5])    // shape differs
                _ = try getVariable("biases", shape: [4])
                _ = try getVariable("extra", shape: [2])               // not in the checkpoint
            }
            _ = try variableScope("fc") { _ in try getVariable("weights", shape: [64, 3]) }
        }
        let before = graph.globalVariables.map(\.value)
        let error = #expect(throws: TensorScopeError.self) {
            try graph.restoreVariables(fromTensorFlowCheckpoint: Self.prefix("training/model.ckpt"))
        }
        let text = error?.description ?? ""
        for words in ["missing key 'conv1/extra'", "unexpected key 'fc/biases'",
                      "key 'conv1/weights': expected shape [3, 3, 1, 5], got [3, 3, 1, 4]"] {
            #expect(text.contains(words), "\(text)")
        }
        // fc/biases/Momentum is a slot of fc/biases, which is no variable here: named too.
        #expect(text.contains("unexpected key 'fc/biases/Momentum'"), "\(text)")
        #expect(!text.contains("global_step") && !text.contains("conv1/biases/Momentum"), "\(text)")
        #expect(graph.globalVariables.map(\.value) == before)
    }

    @Test(arguments: ["object/ckpt-1", "sharded/ckpt-1"])
    func restoresObjectBasedCheckpointsByObjectPath(_ name: String) throws {
        let graph = Graph()
        try graph.asDefault {
            _ = try variableScope("conv") { _ in
                (try getVariable("kernel", shape: [3, 3, 2, 4]), try getVariable("bias", shape: [4]))
            }
            _ = try variableScope("dense") { _ in
                (try getVariable("kernel", shape: [16, 5]), try getVariable("bias", shape: [5]))
            }
        }
        try graph.restoreVariables(fromTensorFlowCheckpoint: Self.prefix(name))
        let stored = Self.expected.checkpoints[name]!
        for variable in graph.globalVariables {
            let values = stored[variable.name + "/.ATTRIBUTES/VARIABLE_VALUE"]!.values!
            #expect(variable.value.scalars == values.map { Float($0) }, "\(variable.name)")
        }
    }

    /// A tf.compat.v1 partitioned variable is saved as slices under encoded keys
    /// (TensorSliceKey; starts 67 and 134 take two bytes), assembled on reading.
    @Test func restoresAPartitionedVariableFromItsSlices() throws {
        let graph = Graph()
        let table = try graph.asDefault { try variableScope("embed") { _ in try getVariable("table", shape: [200, 3]) } }
        try graph.restoreVariables(fromTensorFlowCheckpoint: Self.prefix("partitioned/model.ckpt"))
        let stored = Self.expected.checkpoints["partitioned/model.ckpt"]!["embed/table"]!.values!
        #expect(table.value.scalars == stored.map { Float($0) })
        #expect(TensorSliceKey.signedNumIncreasing(67) == [0xC0, 67])
        #expect(TensorSliceKey.signedNumIncreasing(-1) == [0x7F])
        // 2^20 needs 21 bits and a sign: four bytes, header 1111 0000.
        #expect(TensorSliceKey.signedNumIncreasing(1 << 20) == [0xF0, 0x10, 0, 0])
    }

    @Test func setInitialValuesMapsScopesAndSingleTensorsAsInitFromCheckpoint() throws {
        let prefix = Self.prefix("training/model.ckpt")
        let stored = Self.expected.checkpoints["training/model.ckpt"]!
        let graph = Graph()
        try graph.setInitialValues(fromTensorFlowCheckpoint: prefix,
                                   assignmentMap: ["conv1/": "tower/conv1/", "fc/weights": "head/w"])
        try graph.asDefault {
            let (w, b) = try variableScope("tower") { _ in
                try variableScope("conv1") { _ in
                    (try getVariable("weights", shape: [3, 3, 1, 4]), try getVariable("biases", shape: [4]))
                }
            }
            let head = try variableScope("head") { _ in try getVariable("w", shape: [64, 3]) }
            #expect(w.value.scalars == stored["conv1/weights"]!.values!.map { Float($0) })
            #expect(b.value.scalars == stored["conv1/biases"]!.values!.map { Float($0) })
            #expect(head.value.scalars == stored["fc/weights"]!.values!.map { Float($0) })
        }
        // The scope mapping left the Momentum slots out: nothing unused but what was mapped.
        #expect(graph.unusedInitialValueKeys().isEmpty)

        // The default map: every model tensor under its own name, training state left out.
        let whole = Graph()
        try whole.setInitialValues(fromTensorFlowCheckpoint: prefix)
        #expect(whole.unusedInitialValueKeys() == ["conv1/biases", "conv1/weights", "fc/biases", "fc/weights"])

        for (map, words) in [(["nope/": "x/"], "no floating-point tensor under scope 'nope/'"),
                             (["global_step": "step"], "'global_step' holds int64"),
                             (["fc/w": "w"], "no tensor named 'fc/w'"),
                             (["conv1/": "x"], "a scope maps to a scope")] {
            let fresh = Graph()
            let error = #expect(throws: TensorScopeError.self) {
                try fresh.setInitialValues(fromTensorFlowCheckpoint: prefix, assignmentMap: map)
            }
            #expect(error?.description.contains(words) == true, "\(error?.description ?? "")")
            #expect(fresh.unusedInitialValueKeys().isEmpty)
        }
    }

    // MARK: - The test's own writer, and damaged files

    static func tensors(_ count: Int) -> [(key: String, shape: [Int], values: [Float])] {
        (0..<count).map { i in
            (key: "tower_\(i % 3)/layer_\(String(format: "%03d", i))/weights", shape: [2, i % 4 + 1],
             values: (0..<(2 * (i % 4 + 1))).map { Float(i) + Float($0) / 8 })
        }
    }

    @Test func readsManyBlocksAndSharedKeyPrefixes() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tensors = Self.tensors(300)
        let writer = CheckpointWriter(blockBytes: 512, restartInterval: 4)
        let prefix = try writer.write(try writer.parts(tensors), to: folder)
        let checkpoint = try TensorFlowCheckpoint(prefix: prefix)
        #expect(checkpoint.keys == tensors.map(\.key).sorted())
        for tensor in tensors {
            let read = try checkpoint.tensor(tensor.key)
            #expect(read.shape == tensor.shape && read.scalars == tensor.values, "\(tensor.key)")
        }
    }

    @Test func damagedAndHostileFilesAreRefusedWithTheFault() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = CheckpointWriter(blockBytes: 256)
        let tensors = Self.tensors(20)
        let good = try writer.parts(tensors)
        var cases: [(String, CheckpointWriter.Parts, String)] = []
        var parts = good
        parts.index[parts.index.count - 1] ^= 0xFF
        cases.append(("magic", parts, "magic number"))
        parts = good
        parts.index[3] ^= 0x01
        cases.append(("flipped", parts, "checksum"))
        parts = good
        parts.index = Array(parts.index.prefix(40))
        cases.append(("short", parts, "fewer than the 48-byte table footer"))
        parts = good
        parts.index.removeFirst(100)
        cases.append(("truncated", parts, "run past the table"))
        cases.append(("huge size", try writer.parts(tensors) { key, proto in
            if key == tensors[5].key { proto.size = 1 << 40 }
        }, "bytes stored for float32 of shape"))
        cases.append(("huge shape", try writer.parts(tensors) { key, proto in
            if key == tensors[5].key { proto.shape.dim = [.with { $0.size = 1 << 40 }, .with { $0.size = 1 << 40 }] }
        }, "more elements than Int.max"))
        cases.append(("offset", try writer.parts(tensors) { key, proto in
            if key == tensors[7].key { proto.offset = 1 << 50 }
        }, "run past the file's"))
        cases.append(("shard", try writer.parts(tensors) { key, proto in
            if key == tensors[2].key { proto.shardID = 3 }
        }, "shard 3, but the checkpoint has 1"))
        var bigEndian = writer
        bigEndian.bigEndian = true
        cases.append(("endianness", try bigEndian.parts(tensors), "big-endian"))
        var shards = writer
        shards.shards = 0
        cases.append(("no shards", try shards.parts(tensors), "declares 0 data shards"))
        // A header entry whose value is eleven 0xFF bytes: no protobuf.
        cases.append(("header value", CheckpointWriter.Parts(
            index: writer.table([([], [UInt8](repeating: 0xFF, count: 11))]), data: []), "not a BundleHeaderProto"))
        // A data block whose first entry starts with a varint of eleven 0xFF bytes.
        let rawEntry = [UInt8](repeating: 0xFF, count: 11) + [0, 0, 0, 0, 1, 0, 0, 0]
        cases.append(("varint", CheckpointWriter.Parts(index: Self.tableWithRawBlock(rawEntry), data: []),
                      "a varint longer than 32 bits"))
        for (name, parts, words) in cases {
            let sub = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let prefix = try writer.write(parts, to: sub)
            let error = #expect(throws: TensorScopeError.self) { _ = try TensorFlowCheckpoint(prefix: prefix) }
            #expect(error?.description.contains(words) == true, "\(name): \(error?.description ?? "")")
            #expect(error?.description.contains(prefix) == true, "\(name) names the file: \(error?.description ?? "")")
        }
    }

    /// A table whose single data block's entry bytes are `raw` (restart array included).
    static func tableWithRawBlock(_ raw: [UInt8]) -> [UInt8] {
        var file: [UInt8] = raw + [0]
        withUnsafeBytes(of: CheckpointWriter.mask(CheckpointWriter.crc32c(raw + [0])).littleEndian) { file += $0 }
        let dataHandle = CheckpointWriter.varint(0) + CheckpointWriter.varint(UInt64(raw.count))
        // Index block: one entry "" → the data block's handle, restart array [0], count 1.
        let index: [UInt8] = [0, 0, UInt8(dataHandle.count)] + dataHandle + [0, 0, 0, 0, 1, 0, 0, 0]
        let indexHandle = CheckpointWriter.varint(UInt64(file.count)) + CheckpointWriter.varint(UInt64(index.count))
        file += index + [0]
        withUnsafeBytes(of: CheckpointWriter.mask(CheckpointWriter.crc32c(index + [0])).littleEndian) { file += $0 }
        var footer = CheckpointWriter.varint(0) + CheckpointWriter.varint(0) + indexHandle
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        withUnsafeBytes(of: UInt64(0xdb47_7524_8b80_fb57).littleEndian) { footer += $0 }
        return file + footer
    }

    /// The fuzz target's seeds (scripts/generate_checkpoint_fuzz_seeds.py) are indexes that are
    /// their own data shard: every tensor in them reads, so the fuzzer starts from inputs that
    /// reach the conversions and the slice assembly.
    @Test(arguments: ["self-dtypes", "self-slices"])
    func fuzzSeedsAreWholeCheckpoints(_ seed: String) throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = try Data(contentsOf: Paths.root.appendingPathComponent("Fuzz/corpus/tf-checkpoint/\(seed).index"))
        let prefix = folder.appendingPathComponent("seed").path
        try bytes.write(to: URL(fileURLWithPath: prefix + ".index"))
        try bytes.write(to: URL(fileURLWithPath: prefix + ".data-00000-of-00001"))
        let checkpoint = try TensorFlowCheckpoint(prefix: prefix)
        #expect(checkpoint.keys == (seed == "self-slices" ? ["w"] : ["a/f16", "a/f32", "a/f64", "b/bf16"]))
        for entry in checkpoint.entries {
            let tensor = try checkpoint.tensor(entry.key)
            #expect(tensor.shape == entry.shape && tensor.scalars.allSatisfy { $0.isFinite && $0 != 0 }, "\(entry.key)")
        }
    }

    @Test func damagedDataIsCaughtByItsChecksumAndMissingShardsByName() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = CheckpointWriter()
        var parts = try writer.parts(Self.tensors(4))
        parts.data[5] ^= 0x10
        let prefix = try writer.write(parts, to: folder)
        let checkpoint = try TensorFlowCheckpoint(prefix: prefix)
        let key = checkpoint.keys[0]
        let error = #expect(throws: TensorScopeError.self) { try checkpoint.tensor(key) }
        #expect(error?.description.contains("key '\(key)': checksum") == true, "\(error?.description ?? "")")
        try FileManager.default.removeItem(atPath: prefix + ".data-00000-of-00001")
        let missing = #expect(throws: TensorScopeError.self) { _ = try TensorFlowCheckpoint(prefix: prefix) }
        #expect(missing?.description.contains("data-00000-of-00001: no such file") == true, "\(missing?.description ?? "")")
    }
}
