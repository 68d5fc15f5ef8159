import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph

/// Whole-file writes: permissions kept, links written through, nothing half-written left.
@Suite struct AtomicFileTests {
    func permissions(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func savingOverAPrivateCheckpointKeepsItPrivate() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.safetensors").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let graph = Graph()
        try graph.asDefault { _ = try getVariable("w", shape: [3], initializer: .ones) }
        try graph.saveVariables(to: path)
        #expect(try permissions(path) == 0o600)
        #expect(try SafeTensors.read(path)["w"]?.scalars == [1, 1, 1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["w.safetensors"])
    }

    @Test func aSymbolicLinkIsWrittenThroughAndStaysALink() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("real.bin").path
        let link = folder.appendingPathComponent("link.bin").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.bin")
        try AtomicFile.write(Data("new contents".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.bin")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new contents")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["link.bin", "real.bin"])
    }

    @Test func aNewFileGetsTheUsualPermissionsAndFailuresLeaveNothing() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("new.bin").path
        try AtomicFile.write(Data([1, 2, 3]), to: path)
        let mask = umask(0)
        umask(mask)
        #expect(try permissions(path) == 0o644 & ~Int(mask))
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
        // A folder that does not exist: an error naming the path.
        let missing = folder.appendingPathComponent("no/such/folder/x.bin").path
        let error = #expect(throws: TensorScopeError.self) { try AtomicFile.write(Data([1]), to: missing) }
        #expect(error?.description.hasPrefix("\(missing): could not write") == true)
        // Over a directory: refused, the directory untouched.
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
        #expect(throws: TensorScopeError.self) { try AtomicFile.write(Data([1]), to: sub.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["new.bin", "sub"])
    }

    /// Safetensors written with direct I/O (`bypassingCache`) read back exactly, for sizes
    /// below a block, at whole blocks, across the 1 MiB staging buffer with an odd tail, and
    /// float16; on the temporary folder (a disk here, where `O_DIRECT` is taken) and on
    /// /dev/shm (tmpfs, which refuses it: the usual write). Nothing but the file is left.
    @Test(arguments: [1, 1024, 1025, 300_001])
    func directWritesReadBackExactly(count: Int) throws {
        var folders = [try Paths.temporaryFolder()]
        let shm = URL(fileURLWithPath: "/dev/shm/tensorscope-\(UUID().uuidString)")
        if (try? FileManager.default.createDirectory(at: shm, withIntermediateDirectories: true)) != nil { folders.append(shm) }
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        var rng = TestRandom(UInt64(count))
        let values = rng.floats(count)
        for folder in folders {
            for dtype in SafeTensors.DType.allCases {
                let path = folder.appendingPathComponent("f-\(dtype.rawValue).safetensors").path
                try values.withUnsafeBufferPointer { buffer in
                    try SafeTensors.write([("features", [count], buffer)], metadata: ["source": "test"], dtype: dtype,
                                          to: path, followingLinks: false, bypassingCache: true)
                }
                let expected = dtype == .float32 ? values : values.map { Float(Float16($0)) }
                #expect(try SafeTensors.read(path)["features"]?.scalars == expected, "\(folder.path) \(dtype)")
                let header = try SafeTensors.encode(["features": try Tensor(shape: [count], scalars: values)],
                                                    metadata: ["source": "test"], dtype: dtype)
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == header, "the same bytes as encode")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                    == ["f-F16.safetensors", "f-F32.safetensors"])
        }
    }
}
