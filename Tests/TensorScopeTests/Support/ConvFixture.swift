import Foundation
import TensorScope

/// One TensorFlow conv2d case written by scripts/generate_conv_fixtures.py.
struct ConvFixture: CustomStringConvertible {
    struct Header: Decodable {
        var name: String
        var input: [Int]
        var filter: [Int]
        var output: [Int]
        var strides: [Int]
        var dilations: [Int]
        var padding: String
    }

    var header: Header
    var input: Tensor
    var filter: Tensor
    var output: Tensor

    var description: String { header.name }

    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/conv")
    }

    static func all() throws -> [ConvFixture] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "bin" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map(load)
    }

    static func load(_ url: URL) throws -> ConvFixture {
        let data = try Data(contentsOf: url)
        let headerLength = Int(data.prefix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian })
        let header = try JSONDecoder().decode(Header.self, from: data.subdata(in: 4..<(4 + headerLength)))
        var offset = 4 + headerLength
        func tensor(_ shape: [Int]) throws -> Tensor {
            let count = shape.reduce(1, *)
            let bytes = data.subdata(in: offset..<(offset + 4 * count))
            offset += 4 * count
            let values = bytes.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            return try Tensor(shape: shape, scalars: values)
        }
        let x = try tensor(header.input)
        let w = try tensor(header.filter)
        let y = try tensor(header.output)
        precondition(offset == data.count, "fixture \(url.lastPathComponent) has trailing bytes")
        return ConvFixture(header: header, input: x, filter: w, output: y)
    }
}
