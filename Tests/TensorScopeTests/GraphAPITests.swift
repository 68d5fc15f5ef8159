import Testing
import TensorScope
@testable import TensorScopeKernels

@Suite struct GraphAPITests {
    @Test func asDefaultBindsTheGraphForTheClosureOnly() {
        let graph = Graph()
        graph.asDefault {
            #expect(Graph.current === graph)
            let inner = Graph()
            inner.asDefault { #expect(Graph.current === inner) }
            #expect(Graph.current === graph)
        }
        #expect(Graph.current !== graph)
    }

    @Test func resetDefaultGraphReplacesTheProcessDefault() {
        let before = Graph.current
        resetDefaultGraph()
        let after = Graph.current
        #expect(before !== after)
        let bound = Graph()
        bound.asDefault {
            resetDefaultGraph()
            #expect(Graph.current === bound)  // a graph made default with asDefault is unaffected
        }
    }

    @Test func reuseIsWritableAsABool() throws {
        try Graph().asDefault {
            try variableScope("a", reuse: true) { scope in
                #expect(scope.reuse == .reuse && scope.reuse == true)
            }
            try variableScope("b", reuse: false) { scope in
                #expect(scope.reuse == .inherit && scope.reuse == false)
            }
            try variableScope("c", reuse: .autoReuse) { scope in
                #expect(scope.reuse == .autoReuse)
                try variableScope("d") { inner in #expect(inner.reuse == .autoReuse) }
            }
        }
    }

    @Test func variableIsAReferenceWithTFStyleDescription() throws {
        try Graph().asDefault {
            let v = try Variable(Tensor(zeros: [2, 3]), name: "v")
            #expect(v.description == "<Variable 'v:0' shape=(2, 3) dtype=float32>")
            #expect(try Variable(Tensor(zeros: []), name: "s").description == "<Variable 's:0' shape=() dtype=float32>")
            let alias = v
            try alias.assign(Tensor(repeating: 2, shape: [2, 3]))
            #expect(v.value.scalars == Array(repeating: 2, count: 6))
            #expect(throws: TensorScopeError.self) { try v.assign(Tensor(zeros: [3, 2])) }
            // A Variable can stand in for a tensor in every op.
            let sum = try v + Tensor(repeating: 1, shape: [3])
            #expect(sum.scalars == Array(repeating: 3, count: 6))
            #expect(relu(v).shape == [2, 3])
            #expect(try biasAdd(v, Tensor(repeating: 1, shape: [3])).scalars == Array(repeating: 3, count: 6))
        }
    }

    @Test func getVariableErrorsCarryTheirKinds() throws {
        try Graph().asDefault {
            _ = try getVariable("w", shape: [2])
            #expect((#expect(throws: TensorScopeError.self) { try getVariable("w", shape: [2]) })?.kind == .variableAlreadyExists)
            try variableScope("", reuse: true) { _ in
                #expect((#expect(throws: TensorScopeError.self) { try getVariable("x", shape: [2]) })?.kind == .variableDoesNotExist)
                let mismatch = #expect(throws: TensorScopeError.self) { try getVariable("w", shape: [3]) }
                #expect(mismatch?.kind == .shapeMismatch)
                #expect(mismatch?.description.hasPrefix("Trying to share variable w, but specified shape [3] and found shape [2].") == true)
            }
            #expect((#expect(throws: TensorScopeError.self) { try getVariable("n") })?.kind == .missingInitializer)
            #expect(throws: TensorScopeError.self) { try getVariable("neg", shape: [-1]) }
            #expect(globalVariables().map(\.name) == ["w"])
        }
    }

    @Test func recordingCanBeSwitchedOff() throws {
        let graph = Graph()
        graph.recordsOperations = false
        graph.asDefault { _ = relu(Tensor(zeros: [2])) }
        #expect(graph.operations.isEmpty)
        graph.recordsOperations = true
        graph.asDefault { _ = relu(Tensor(zeros: [2])) }
        #expect(graph.operations.map(\.name) == ["Relu"])
    }
}

@Suite struct MemoryTests {
    /// glibc accepts the settings, and large tensors are still allocated and freed normally.
    /// (Which address a later allocation gets is not asserted: parallel tests allocate too.)
    @Test func allocatorSettingsAreAccepted() throws {
        if Sanitizers.addressSanitizerActive {
            // ASan replaces malloc, and its mallopt accepts none of glibc's settings.
            print("notice: under AddressSanitizer, mallopt is the sanitizer's: retainFreedBuffers() reports false")
            #expect(!Memory.retainFreedBuffers())
        } else {
            #expect(Memory.retainFreedBuffers())
        }
        for value in [Float(1), 2, 3] {
            let t = Tensor(repeating: value, shape: [40 << 20 / 4])  // 40 MiB: above glibc's mmap ceiling
            #expect(t.scalars[t.scalarCount - 1] == value)
        }
        Memory.releaseFreedBuffers()
    }

    /// The read-outs the executables print: non-zero, and the peak at least what is resident
    /// when both come from one read (two reads can see the peak below the resident figure of
    /// the first while other tests allocate: CI saw 56 pages of it).
    @Test func residentMemoryIsReadFromProc() {
        #expect(Memory.residentBytes() > 1 << 20 && Memory.peakResidentBytes() > 1 << 20)
        let (resident, peak) = Memory.residentAndPeakBytes()
        #expect(resident > 1 << 20)
        #expect(peak >= resident)
    }
}
