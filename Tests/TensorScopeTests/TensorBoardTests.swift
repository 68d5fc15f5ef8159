import Foundation
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeKernels
@testable import TensorScopeTensorFlow
import TensorScopeModels

/// The TensorBoard export: TFRecord framing and CRCs against a file TensorFlow wrote
/// (Fixtures/tensorboard/tf.events, from scripts/generate_tensorboard_fixture.py, which also reads
/// TensorScope's files back with TensorFlow's own reader), and the exported GraphDef against
/// TensorFlow's GraphDef of the same program (Fixtures/seed_graph.json) for every sharing method.
@Suite struct TensorBoardTests {
    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // TensorFlow's mask: rotate right by 15, add 0xa282ead8.
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(0x0000_8000) == 0xA282_EAD9)
    }

    @Test func framingMatchesTensorFlowsOwnEventFileByteForByte() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("tensorboard/tf.events")))
        let records = try TFRecord.decode(data)
        #expect(records.count >= 2)
        #expect(TFRecord.encode(records) == data)
        let first = try Tensorflow_Event(serializedBytes: records[0])
        #expect(first.fileVersion == "brain.Event:2")
        let graphEvent = try #require(try records.map { try Tensorflow_Event(serializedBytes: $0) }.first { !$0.graphDef.isEmpty })
        let graph = try Tensorflow_GraphDef(serializedBytes: graphEvent.graphDef)
        #expect(graph.node.contains { $0.name == "image_filters_1/conv2/Relu" && $0.op == "Relu" })
        // A flipped byte anywhere is caught by a CRC.
        for position in [3, 9, 20, data.count - 2] {
            var damaged = data
            damaged[position] ^= 0x40
            #expect(throws: TensorScopeError.self) { try TFRecord.decode(damaged) }
        }
        #expect(throws: TensorScopeError.self) { try TFRecord.decode(data.prefix(data.count - 1)) }
    }

    @Test(arguments: SharingMethod.allCases)
    func exportedGraphDefMatchesTensorFlows(method: SharingMethod) throws {
        let fixture = GraphEdgesTests.fixture
        let shape = fixture.input_shape
        let graph = Graph()
        _ = try graph.asDefault {
            try ImageFilterModel.run([Tensor(zeros: shape), Tensor(repeating: 1, shape: shape)], method: method, seed: 1)
        }
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try graph.writeTensorBoardGraph(logdir: folder.path)
        #expect((path as NSString).lastPathComponent.hasPrefix("events.out.tfevents."))
        let records = try TFRecord.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(records.count == 2)
        let events = try records.map { try Tensorflow_Event(serializedBytes: $0) }
        #expect(events[0].fileVersion == "brain.Event:2")
        let exported = try Tensorflow_GraphDef(serializedBytes: events[1].graphDef)
        let ours = Dictionary(uniqueKeysWithValues: exported.node.map { ($0.name, $0) })
        let tfNodes = try #require(fixture.methods["\(method.rawValue)"])
        let theirs = Dictionary(uniqueKeysWithValues: tfNodes.map { ($0.name, $0) })
        // Every op, variable and variable read of TensorFlow's graph (its initializer subgraphs
        // and `…/Read/ReadVariableOp` identity reads aside) is in ours, with the same type and edges.
        let relevant = tfNodes.filter {
            ["Conv2D", "AddV2", "Relu", "VarHandleOp", "ReadVariableOp"].contains($0.op)
                && !$0.name.contains("/Initializer/") && !$0.name.hasSuffix("/Read/ReadVariableOp")
        }
        #expect(relevant.count == 12 + 4 + 8)
        for node in relevant {
            let mine = try #require(ours[node.name], "missing \(node.name)")
            #expect(mine.op == node.op, "\(node.name)")
            #expect(mine.input == node.inputs, "\(node.name)")
        }
        // And nothing else but placeholders where TensorFlow has the images as Const nodes.
        for node in exported.node where !relevant.contains(where: { $0.name == node.name }) {
            #expect(node.op == "Placeholder" && theirs[node.name]?.op == "Const", "\(node.name) \(node.op)")
        }
        // Attributes TensorBoard shows, on every Conv2D.
        for conv in exported.node where conv.op == "Conv2D" {
            #expect(conv.attr["T"]?.type == .dtFloat)
            #expect(conv.attr["padding"]?.s == Data("SAME".utf8))
            #expect(conv.attr["strides"]?.list.i == [1, 1, 1, 1])
            #expect(conv.attr["data_format"]?.s == Data("NHWC".utf8))
            #expect(conv.attr["_output_shapes"]?.list.shape.first?.dim.map(\.size) == [1, 6, 6, 32])
        }
        // Each filter read resolves to one of the two shared weights.
        let filters = exported.node.filter { $0.op == "Conv2D" }.map { ours[$0.input[1]]!.input[0] }
        #expect(filters == ["image_filters/conv1/weights", "image_filters/conv2/weights",
                            "image_filters/conv1/weights", "image_filters/conv2/weights"])
    }

    @Test func aSecondExportInTheSameSecondGetsItsOwnFile() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = Graph()
        graph.asDefault { _ = relu(Tensor(zeros: [2])) }
        let a = try graph.writeTensorBoardGraph(logdir: folder.path)
        let b = try graph.writeTensorBoardGraph(logdir: folder.path)
        #expect(a != b)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
    }
}
