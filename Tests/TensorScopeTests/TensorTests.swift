import Testing
import TensorScope

@Suite struct TensorTests {
    @Test func constructionChecksCountAndDimensions() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.shape == [2, 3] && t.rank == 2 && t.scalarCount == 6)
        #expect(Tensor(zeros: [2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor(repeating: 7, shape: [3]).scalars == [7, 7, 7])
        #expect(Tensor(zeros: []).scalars == [0])
        #expect(Tensor(zeros: [0, 4]).scalarCount == 0)
        #expect(throws: TensorScopeError.self) { try Tensor(shape: [2, 3], scalars: [1, 2]) }
        #expect(throws: TensorScopeError.self) { try Tensor(shape: [-1, 2], scalars: []) }
        #expect(throws: TensorScopeError.self) { try Tensor(shape: [Int.max, 4], scalars: []) }
        let error = #expect(throws: TensorScopeError.self) { try Tensor(shape: [2, -3], scalars: []) }
        #expect(error?.description.contains("[2, -3]") == true)
    }

    @Test func copiesAreIndependentValues() throws {
        var a = Tensor(repeating: 1, shape: [4])
        let b = a
        a.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(a.scalars == [9, 1, 1, 1])
        #expect(b.scalars == [1, 1, 1, 1])
    }

    @Test func reshapeKeepsTheElements() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try t.reshaped(to: [3, 2]).scalars == t.scalars)
        #expect(throws: TensorScopeError.self) { try t.reshaped(to: [4, 2]) }
    }
}
