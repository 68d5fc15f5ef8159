import Testing
import TensorScope

/// Every conv2d error path: a thrown error naming the op, the expectation and the input.
@Suite struct Conv2DErrorTests {
    let x = Tensor(zeros: [1, 4, 4, 2])
    let w = Tensor(zeros: [3, 3, 2, 5])

    func message(_ body: () throws -> Tensor) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func wrongRanks() {
        let m1 = message { try conv2d(Tensor(zeros: [4, 4, 2]), w, padding: .same) }
        #expect(m1.hasPrefix("conv2d: expected input of rank 4") && m1.contains("rank 3"), "\(m1)")
        let m2 = message { try conv2d(x, Tensor(zeros: [3, 3, 2]), padding: .same) }
        #expect(m2.hasPrefix("conv2d: expected filter of rank 4") && m2.contains("[3, 3, 2]"), "\(m2)")
    }

    @Test func channelMismatch() {
        let m = message { try conv2d(x, Tensor(zeros: [3, 3, 1, 5]), padding: .same) }
        #expect(m.hasPrefix("conv2d:") && m.contains("input depth 2") && m.contains("takes 1"), "\(m)")
    }

    @Test func emptyBatchAndEmptyImages() {
        let m = message { try conv2d(Tensor(zeros: [0, 4, 4, 2]), w, padding: .same) }
        #expect(m.hasPrefix("conv2d: expected a non-empty batch"), "\(m)")
        #expect(message { try conv2d(Tensor(zeros: [1, 0, 4, 2]), w, padding: .same) }.hasPrefix("conv2d:"))
        #expect(message { try conv2d(Tensor(zeros: [1, 4, 4, 0]), Tensor(zeros: [3, 3, 0, 5]), padding: .same) }.hasPrefix("conv2d:"))
        #expect(message { try conv2d(x, Tensor(zeros: [3, 3, 2, 0]), padding: .same) }.hasPrefix("conv2d:"))
    }

    @Test func badStrides() {
        for strides in [[0], [1, 0], [-1, 1], [2, 1, 1, 1], [1, 1, 1, 2], [1, 1, 1], [1, 1, 1, 1, 1], []] {
            let m = message { try conv2d(x, w, strides: strides, padding: .same) }
            #expect(m.hasPrefix("conv2d: expected") && m.contains("strides"), "\(strides): \(m)")
            #expect(m.contains("\(strides)"), "\(m)")
        }
    }

    @Test func badDilations() {
        for dilations in [[0], [1, -2], [2, 1, 1, 1], [1, 2, 2, 2], [1, 2, 3]] {
            let m = message { try conv2d(x, w, padding: .same, dilations: dilations) }
            #expect(m.hasPrefix("conv2d: expected") && m.contains("dilations"), "\(dilations): \(m)")
        }
    }

    @Test func validKernelLargerThanInput() {
        let m = message { try conv2d(x, Tensor(zeros: [5, 5, 2, 1]), padding: .valid) }
        #expect(m.hasPrefix("conv2d:") && m.contains("subtracting 5 from 4"), "\(m)")
        // Dilation makes a 3-tap kernel span 7 pixels.
        let d = message { try conv2d(x, w, padding: .valid, dilations: [3]) }
        #expect(d.contains("subtracting 7 from 4"), "\(d)")
        // Under SAME the same kernel is fine.
        #expect(message { try conv2d(x, Tensor(zeros: [5, 5, 2, 1]), padding: .same) } == "no error")
    }

    @Test func nonFiniteValuesThatReachTheOutput() throws {
        var bad = Tensor(zeros: [1, 4, 4, 2])
        bad.withUnsafeMutableBufferPointer { $0[5] = .nan }
        let m = message { try conv2d(bad, w, padding: .same) }
        #expect(m.hasPrefix("conv2d: expected finite input values") && m.contains("[0, 0, 2, 1]"), "\(m)")
        var badFilter = w
        badFilter.withUnsafeMutableBufferPointer { $0[0] = .infinity }
        #expect(message { try conv2d(x + Tensor(repeating: 1, shape: []), badFilter, padding: .same) }
            .hasPrefix("conv2d: expected finite filter values"))
        // An overflow from finite values is reported as such.
        let huge = Tensor(repeating: 3e38, shape: [1, 2, 2, 2])
        let o = message { try conv2d(huge, Tensor(repeating: 3e38, shape: [1, 1, 2, 1]), padding: .same) }
        #expect(o.contains("overflow"), "\(o)")
    }

    @Test func failedOpsRecordNothing() throws {
        let graph = Graph()
        graph.asDefault {
            _ = message { try conv2d(Tensor(zeros: [4, 4, 2]), w, padding: .same) }
            _ = message { try x + Tensor(zeros: [3]) }
        }
        #expect(graph.operations.isEmpty)
    }
}

/// Absurd sizes are errors, not crashes or terabyte allocations.
@Suite struct AbsurdSizeTests {
    @Test func hugeStridesDilationsAndShapes() throws {
        let x = Tensor(zeros: [1, 4, 4, 1]), w = Tensor(zeros: [2, 2, 1, 1])
        #expect(try conv2d(x, w, strides: [Int.max], padding: .same).shape == [1, 1, 1, 1])
        #expect(throws: TensorScopeError.self) { try conv2d(x, w, padding: .same, dilations: [Int.max]) }
        #expect(throws: TensorScopeError.self) { try Initializer.zeros.tensor(shape: [1 << 40]) }
        #expect(throws: TensorScopeError.self) {
            try Graph().asDefault { try getVariable("huge", shape: [1 << 20, 1 << 20]) }
        }
        #expect(throws: TensorScopeError.self) { try Initializer.zeros.tensor(shape: [Int.max, 2]) }
    }
}
