
/// How `conv2d` will run a convolution — tile size, workers, scratch — and a way to time its
/// matrix products alone. For the benchmark, which reports how far the whole convolution is
/// from its GEMMs; not part of the stable API.
@_spi(Benchmarking)
public struct Conv2DPlan: Sendable {
    let engine: Conv2DEngine

    public init(input: [Int], filter: [Int], strides: [Int] = [1, 1, 1, 1], padding: Padding,
                dilations: [Int] = [1, 1, 1, 1]) throws {
        engine = Conv2DEngine(geometry: try Conv2DGeometry(
            input: input, filter: filter, strides: strides, padding: padding, dilations: dilations))
    }

    /// Output rows (`batch·oh·ow`), output channels and the inner dimension `kh·kw·in`.
    public var m: Int { engine.geometry.m }
    public var n: Int { engine.geometry.n }
    public var k: Int { engine.geometry.k }
    public var flops: Double { engine.geometry.flops }
    public var rowsPerTile: Int { engine.rowsPerTile }
    public var workers: Int { engine.workers }
    public var scratchBytes: Int { engine.scratchBytes }
    /// Bytes of the input, the output and the filter (float32).
    public var inputBytes: Int { 4 * engine.geometry.batch * engine.geometry.inHeight * engine.geometry.inWidth * engine.geometry.inChannels }
    public var outputBytes: Int { 4 * m * n }
    public var filterBytes: Int { 4 * k * n }

    /// Runs exactly the `sgemm` calls the convolution makes — same tiles, same workers, same
    /// threading — on scratch tiles that are filled once beforehand, so no im2col is timed.
    public func runGEMMsOnly(input: Tensor, filter: Tensor) {
        let count = m * n
        let output = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { output.deallocate() }
        HugePages.advise(UnsafeMutableRawPointer(output), bytes: count * 4)
        input.withUnsafeBufferPointer { x in
            filter.withUnsafeBufferPointer { w in
                _ = engine.run(
                    input: x.baseAddress!, filter: w.baseAddress!, output: output,
                    epilogue: Epilogue(checksFiniteness: false), fillTiles: false)
            }
        }
    }
}

