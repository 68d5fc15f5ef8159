import Foundation
import Testing
import TensorScope
import TensorScopeModels

@Suite struct CheckpointTests {
    func makeGraph() throws -> Graph {
        let graph = Graph()
        _ = try graph.asDefault {
            try variableScope("image_filters") { _ in try myImageFilter(Tensor(zeros: [1, 6, 6, 3]), seed: 3) }
        }
        return graph
    }

    @Test func saveAndRestoreRoundTrip() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.safetensors").path
        let a = try makeGraph()
        try a.saveVariables(to: path)
        let b = Graph()
        _ = try b.asDefault {
            try variableScope("image_filters") { _ in try myImageFilter(Tensor(zeros: [1, 6, 6, 3]), seed: 99) }
        }
        #expect(a.trainableVariables[0].value != b.trainableVariables[0].value)
        try b.restoreVariables(from: path)
        #expect(a.globalVariables.map(\.value) == b.globalVariables.map(\.value))
        // The file is plain safetensors: keys are the variable names.
        #expect(try SafeTensors.read(path).keys.sorted() == a.globalVariables.map(\.name).sorted())
    }

    @Test func strictLoadingRejectsEachFaultAndChangesNothing() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = try makeGraph()
        let before = graph.globalVariables.map(\.value)
        var good = graph.globalVariables.reduce(into: [String: Tensor]()) { $0[$1.name] = Tensor(repeating: 1, shape: $1.shape) }
        func attempt(_ name: String, _ data: Data, mentioning words: String) throws {
            let path = folder.appendingPathComponent(name).path
            try data.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: TensorScopeError.self) { try graph.restoreVariables(from: path) }
            #expect(error?.description.contains(words) == true, "\(name): \(error?.description ?? "")")
            #expect(graph.globalVariables.map(\.value) == before, "\(name) changed a variable")
        }
        var missing = good
        missing["image_filters/conv2/biases"] = nil
        try attempt("missing.safetensors", SafeTensors.encode(missing), mentioning: "missing key 'image_filters/conv2/biases'")
        var extra = good
        extra["image_filters/conv3/weights"] = Tensor(zeros: [1])
        try attempt("extra.safetensors", SafeTensors.encode(extra), mentioning: "unexpected key 'image_filters/conv3/weights'")
        var shape = good
        shape["image_filters/conv1/biases"] = Tensor(zeros: [31])
        try attempt("shape.safetensors", SafeTensors.encode(shape), mentioning: "key 'image_filters/conv1/biases': expected shape [32], got [31]")
        let whole = try SafeTensors.encode(good)
        try attempt("truncated.safetensors", whole.prefix(whole.count - 10), mentioning: "truncated")
        try attempt("short.safetensors", whole.prefix(5), mentioning: "truncated")
        var badJSON = whole
        badJSON[9] = UInt8(ascii: "#")
        try attempt("badheader.safetensors", badJSON, mentioning: "bad header")
        // dtype: rewrite one entry as I32 (same byte length), a dtype TensorScope does not read.
        let text = String(decoding: whole, as: UTF8.self)
        let i32 = text.replacingOccurrences(of: "\"dtype\":\"F32\"", with: "\"dtype\":\"I32\"")
        try attempt("dtype.safetensors", Data(i32.utf8), mentioning: "expected dtype F32 or F16, got I32")
        try attempt("empty.safetensors", Data(), mentioning: "truncated")
        // A good file still loads after all that.
        good["image_filters/conv1/biases"] = Tensor(repeating: 2, shape: [32])
        let path = folder.appendingPathComponent("good.safetensors").path
        try SafeTensors.encode(good).write(to: URL(fileURLWithPath: path))
        try graph.restoreVariables(from: path)
        #expect(graph.globalVariables[1].value.scalars == Array(repeating: 2, count: 32))
        #expect(throws: TensorScopeError.self) { try graph.restoreVariables(from: folder.appendingPathComponent("nope").path) }
    }

    @Test func handcraftedHeadersWithAbsurdValuesAreErrors() throws {
        func file(_ header: String, buffer: Int = 8) -> Data {
            var data = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(Data(header.utf8))
            data.append(Data(count: buffer))
            return data
        }
        for header in [#"{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}}"#,
                       #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999]}}"#,
                       #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#,
                       #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
                       #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                       #"{"a":{"dtype":"F32","shape":[2]}}"#, #"[1,2]"#] {
            #expect(throws: TensorScopeError.self, "\(header)") { try SafeTensors.decode(file(header)) }
        }
        var lying = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { lying.append(contentsOf: $0) }
        #expect(throws: TensorScopeError.self) { try SafeTensors.decode(lying + Data(count: 16)) }
        // And a well-formed one decodes.
        let good = try SafeTensors.decode(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#))
        #expect(good["a"]?.scalars == [0, 0])
    }

    @Test func initialValuesReplaceInitializers() throws {
        let graph = Graph()
        graph.setInitialValues(["a/w": Tensor(repeating: 5, shape: [2])])
        try graph.asDefault {
            try variableScope("a") { _ in
                let staged = try getVariable("w", shape: [2], initializer: .zeros)
                let fresh = try getVariable("v", shape: [2], initializer: .zeros)
                #expect(staged.value.scalars == [5, 5])
                #expect(fresh.value.scalars == [0, 0])
            }
            graph.setInitialValues(["b/w": Tensor(zeros: [3])])
            try variableScope("b") { _ in
                #expect(throws: TensorScopeError.self) { try getVariable("w", shape: [2]) }
            }
        }
    }
}
