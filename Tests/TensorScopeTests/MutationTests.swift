import Foundation
import Testing
import TensorScope
import TensorScopeImage

/// Randomly damaged files: every one is read or rejected with an error, never a crash.
@Suite struct MutationTests {
    static func mutate(_ data: Data, _ rng: inout TestRandom) -> Data {
        var copy = data
        switch rng.int(0...2) {
        case 0:  // truncate
            copy = copy.prefix(rng.int(0...(copy.count - 1)))
        case 1:  // flip some bytes
            for _ in 0..<rng.int(1...8) {
                let i = rng.int(0...(copy.count - 1))
                copy[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            }
        default:  // overwrite a run with random bytes
            let start = rng.int(0...(copy.count - 1))
            for i in start..<min(copy.count, start + rng.int(1...64)) { copy[i] = UInt8(truncatingIfNeeded: rng.next()) }
        }
        return copy
    }

    @Test func damagedSafetensorsNeverCrash() throws {
        let good = try SafeTensors.encode(["image_filters/conv1/weights": Tensor(repeating: 1, shape: [5, 5, 3, 2]),
                                           "b": Tensor(repeating: 2, shape: [2])])
        var rng = TestRandom(99)
        var rejected = 0
        for _ in 0..<500 {
            do { _ = try SafeTensors.decode(Self.mutate(good, &rng)) } catch { rejected += 1 }
        }
        #expect(rejected > 250)
    }

    @Test func damagedPNGsNeverCrash() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A small file, where mutations hit the header and chunk structure often, and a photo.
        let good = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("png/rgba16.png")))
        let photo = try Data(contentsOf: URL(fileURLWithPath: Paths.photo("coffee_256.png")))
        var rng = TestRandom(7)
        var rejected = 0
        for i in 0..<300 {
            let path = folder.appendingPathComponent("m\(i).png").path
            try Self.mutate(i % 3 == 0 ? photo : good, &rng).write(to: URL(fileURLWithPath: path))
            do {
                let image = try PNGReader.read(path)
                #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
            } catch {
                rejected += 1
                #expect("\(error)".contains(path))
            }
        }
        #expect(rejected > 100)
    }
}

/// Random, mostly wrong, arguments to every op: each call returns or throws, never crashes.
@Suite struct RandomArgumentTests {
    @Test func opsNeverCrashOnRandomArguments() throws {
        var rng = TestRandom(2024)
        func shape() -> [Int] { (0..<rng.int(0...5)).map { _ in rng.int(0...4) } }
        func tensor() -> Tensor { let s = shape(); return Tensor(zeros: s) }
        func numbers() -> [Int] { (0..<rng.int(0...5)).map { _ in rng.int(-2...3) } }
        var succeeded = 0, failed = 0
        try Graph().asDefault {
            for _ in 0..<2000 {
                let x = tensor(), w = tensor()
                do {
                    switch rng.int(0...3) {
                    case 0: _ = try conv2d(x, w, strides: numbers(), padding: rng.int(0...1) == 0 ? .same : .valid, dilations: numbers())
                    case 1: _ = try x + w
                    case 2: _ = try biasAdd(x, w)
                    default: _ = try conv2dBiasRelu(x, w, bias: tensor(), strides: numbers(), padding: .same)
                    }
                    succeeded += 1
                } catch let error as TensorScopeError {
                    #expect(error.kind == .invalidArgument)
                    failed += 1
                }
            }
        }
        #expect(succeeded > 0 && failed > 0)
    }
}
