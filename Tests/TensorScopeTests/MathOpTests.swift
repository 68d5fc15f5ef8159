import Foundation
import Testing
import TensorScope

/// `/`, unary minus, exp, log, square, sqrt, rsqrt and addN against the same arithmetic done in
/// Double element by element, on random inputs and shapes (TensorFlow's values are in
/// OpTensorFlowTests), with the names TensorFlow records.
@Suite struct MathOpTests {
    @Test func elementwiseFunctionsMatchDoubleArithmetic() throws {
        var rng = TestRandom(77)
        for _ in 0..<20 {
            let shape = [rng.int(1...3), rng.int(1...7), rng.int(1...17)]
            let count = shape.reduce(1, *)
            let x = rng.floats(count), positive = rng.floats(count).map { abs($0) * 4 + 0.01 }
            let (t, p) = (try Tensor(shape: shape, scalars: x), try Tensor(shape: shape, scalars: positive))
            func check(_ y: Tensor, _ reference: [Double], _ what: String) {
                #expect(y.shape == shape, "\(what)")
                expectClose(y.scalars, reference.map(Float.init), relative: 1e-6, what)
            }
            check(exp(t), x.map { Foundation.exp(Double($0)) }, "exp")
            check(log(p), positive.map { Foundation.log(Double($0)) }, "log")
            check(square(t), x.map { Double($0) * Double($0) }, "square")
            check(sqrt(p), positive.map { Double($0).squareRoot() }, "sqrt")
            check(rsqrt(p), positive.map { 1 / Double($0).squareRoot() }, "rsqrt")
            check(-t, x.map { -Double($0) }, "neg")
            check(try t / p, zip(x, positive).map { Double($0) / Double($1) }, "div")
            let bias = Array(positive.prefix(shape[2]))
            check(try t / Tensor(shape: [shape[2]], scalars: bias), x.enumerated().map { Double($1) / Double(bias[$0 % shape[2]]) }, "div by [C]")
            check(2 / p, positive.map { 2 / Double($0) }, "number / tensor")
            check(t / 4, x.map { Double($0) / 4 }, "tensor / number")
            check(try addN([t, p, t]), zip(x, positive).map { 2 * Double($0) + Double($1) }, "addN")
        }
    }

    @Test func namesErrorsAndEdgeValues() throws {
        let graph = Graph()
        try graph.asDefault {
            let t = try Tensor(shape: [3], scalars: [0, -1, 4])
            #expect(sqrt(t).scalars[0] == 0 && sqrt(t).scalars[1].isNaN && rsqrt(t).scalars[0] == .infinity)
            #expect(log(t).scalars[0] == -.infinity && log(t).scalars[1].isNaN)
            #expect(try (t / Tensor(shape: [3], scalars: [0, 0, 2])).scalars.suffix(1) == [2])
            let empty = "\(try #require(throws: TensorScopeError.self) { try addN([]) })"
            #expect(empty.hasPrefix("addN: expected at least one tensor"), "\(empty)")
            let shapes = "\(try #require(throws: TensorScopeError.self) { try addN([t, Tensor(zeros: [2])]) })"
            #expect(shapes.contains("[[3], [2]]"), "\(shapes)")
            _ = try t / t
            _ = try addN([t, t], name: "sum")
        }
        let names = graph.operations.map(\.name)
        #expect(names.contains("truediv") && names.contains("sum") && names.contains("Neg") == false)
        #expect(graph.operations.first { $0.name == "sum" }?.inputs.count == 2)
    }
}
