import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow

/// Checkpoints are validated from their header before any tensor is read.
@Suite struct SafeTensorsValidationTests {
    func file(header: String, buffer: Int) -> Data {
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(Data(count: buffer))
        return data
    }

    @Test func integersMustBeWrittenAsIntegers() throws {
        for bad in [#"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#,
                    #"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#,
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8e0]}}"#,
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} x"#] {
            let error = #expect(throws: TensorScopeError.self) { try SafeTensors.decode(file(header: bad, buffer: 8)) }
            #expect(error?.description.contains("bad header") == true, "\(bad): \(String(describing: error))")
        }
        #expect(try SafeTensors.decode(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, buffer: 8))["a"]?.shape == [2])
    }

    @Test func everyMissingAndUnexpectedKeyIsListedAtOnce() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.safetensors").path
        try AtomicFile.write(try SafeTensors.encode(["x": Tensor([1]), "y": Tensor([2]), "w": Tensor([3])]), to: path)
        let error = #expect(throws: TensorScopeError.self) {
            try SafeTensors.read(path, expecting: ["a": [1], "b": [1], "w": [1]])
        }
        #expect(error?.description == "\(path): missing key 'a'; missing key 'b'; unexpected key 'x'; unexpected key 'y'")
    }

    /// A huge header, or a huge tensor under a wrong key, is refused from the header alone:
    /// the file is sparse, so reading it would take gigabytes and seconds.
    @Test func hugeContentIsRefusedBeforeItIsRead() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 512 MiB tensor under an unexpected key.
        let bigPath = folder.appendingPathComponent("big.safetensors").path
        let header = #"{"intruder":{"dtype":"F32","shape":[134217728],"data_offsets":[0,536870912]}}"#
        #expect(FileManager.default.createFile(atPath: bigPath, contents: file(header: header, buffer: 0)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bigPath))
        try handle.truncate(atOffset: UInt64(8 + header.utf8.count + 536_870_912))
        try handle.close()
        let start = Date()
        let error = #expect(throws: TensorScopeError.self) { try SafeTensors.read(bigPath, expecting: ["w": [1]]) }
        #expect(error?.description.contains("missing key 'w'; unexpected key 'intruder'") == true)
        #expect(Date().timeIntervalSince(start) < 1)
        // A header longer than the cap is refused before it is parsed.
        let longPath = folder.appendingPathComponent("long.safetensors").path
        var long = Data()
        withUnsafeBytes(of: UInt64(SafeTensors.maxHeaderBytes + 1).littleEndian) { long.append(contentsOf: $0) }
        #expect(FileManager.default.createFile(atPath: longPath, contents: long))
        let longHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: longPath))
        try longHandle.truncate(atOffset: UInt64(8 + SafeTensors.maxHeaderBytes + 16))
        try longHandle.close()
        let tooLong = #expect(throws: TensorScopeError.self) { try SafeTensors.read(longPath) }
        #expect(tooLong?.description.contains("more than the \(SafeTensors.maxHeaderBytes) TensorScope reads") == true)
    }

    @Test func strictJSONReadsWhatTheFormatNeeds() throws {
        let parsed = try StrictJSON.parse(Array(#" {"k\u00e9\n":[1,-2,0,"a\"b"],"m":{},"t":true,"n":null,"f":1.5e3} "#.utf8))
        #expect(parsed == .object([
            ("ké\n", .array([.integer(1), .integer(-2), .integer(0), .string("a\"b")])),
            ("m", .object([])), ("t", .bool(true)), ("n", .null), ("f", .number("1.5e3")),
        ]))
        #expect(try StrictJSON.parse(Array(#""\ud83d\ude00""#.utf8)) == .string("😀"))
        for bad in ["[01]", "[1,]", "{\"a\" 1}", "\"\\x\"", "\"a", "[1] [2]", String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
                    "\"\\ud83d\"", "99999999999999999999", "{\"a\":1,\"a\":2}", "tru"] {
            #expect(throws: StrictJSON.ParseError.self, "\(bad)") { _ = try StrictJSON.parse(Array(bad.utf8)) }
        }
    }
}
