import Foundation
import TensorScope

/// One case of Fixtures/ops.json (scripts/generate_op_fixtures.py): TensorFlow's inputs,
/// output, and the name and type it gave the op.
struct OpFixture: Decodable, CustomStringConvertible, Sendable {
    struct Values: Decodable, Sendable {
        var shape: [Int]
        var values: [Double]
        var tensor: Tensor { get throws { try Tensor(shape: shape, scalars: values.map(Float.init)) } }
    }

    enum Parameter: Decodable, Sendable {
        case ints([Int]), string(String), bool(Bool), number(Double)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Bool.self) { self = .bool(v) }
            else if let v = try? c.decode([Int].self) { self = .ints(v) }
            else if let v = try? c.decode(Double.self) { self = .number(v) }
            else { self = .string(try c.decode(String.self)) }
        }
    }

    var name: String
    var op: String
    var params: [String: Parameter]
    var inputs: [Values]
    var output: Values
    var tf_op_name: String
    var tf_op_type: String

    var description: String { name }

    func ints(_ key: String) -> [Int] { if case .ints(let v) = params[key] { v } else { [] } }
    func string(_ key: String) -> String { if case .string(let v) = params[key] { v } else { "" } }
    func bool(_ key: String) -> Bool { if case .bool(let v) = params[key] { v } else { false } }
    func number(_ key: String) -> Float {
        switch params[key] {
        case .number(let v): Float(v)
        case .ints(let v) where v.count == 1: Float(v[0])
        default: .nan
        }
    }

    static func all() throws -> [OpFixture] {
        struct File: Decodable { var cases: [OpFixture] }
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/ops.json")
        let decoder = JSONDecoder()
        // JSON has no NaN or infinity; the generator writes them as these strings.
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(File.self, from: Data(contentsOf: url)).cases
    }
}
