import Testing
import TensorScope

@Suite struct ElementwiseOpTests {
    @Test func addBroadcastsABiasOverTheLastAxis() throws {
        let x = try Tensor(shape: [2, 1, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3], scalars: [10, 20, 30])
        #expect(try (x + b).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (b + x).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (x + x).scalars == [2, 4, 6, 8, 10, 12])
        #expect(try (x + Tensor(repeating: 1, shape: [])).scalars == [2, 3, 4, 5, 6, 7])
        #expect(try biasAdd(x, b).scalars == [11, 22, 33, 14, 25, 36])
    }

    @Test func addAndBiasAddRejectMismatchedShapes() throws {
        let x = Tensor(zeros: [2, 2, 2, 3])
        let e1 = #expect(throws: TensorScopeError.self) { try x + Tensor(zeros: [4]) }
        #expect(e1?.description.hasPrefix("add:") == true)
        #expect(e1?.description.contains("[2, 2, 2, 3]") == true && e1?.description.contains("[4]") == true)
        #expect(throws: TensorScopeError.self) { try x + Tensor(zeros: [2, 3]) }
        let e2 = #expect(throws: TensorScopeError.self) { try biasAdd(x, Tensor(zeros: [2])) }
        #expect(e2?.description.hasPrefix("biasAdd:") == true)
        #expect(throws: TensorScopeError.self) { try biasAdd(Tensor(zeros: [3]), Tensor(zeros: [3])) }
        #expect(throws: TensorScopeError.self) { try biasAdd(x, Tensor(zeros: [1, 3])) }
    }

    @Test func reluClampsNegativesAndKeepsNaN() throws {
        let x = try Tensor(shape: [5], scalars: [-2, -0.5, 0, 0.5, .nan])
        let y = relu(x).scalars
        #expect(Array(y.prefix(4)) == [0, 0, 0, 0.5])
        #expect(y[4].isNaN)
    }
}
