import Foundation
import Testing
import TensorScope
@testable import TensorScopeImage

/// Resizing and cropping never allocate more than their output: sizes are checked first, and
/// "fill" resamples only the window it keeps.
@Suite struct ImageBoundsTests {
    func ramp(_ width: Int, _ height: Int, _ channels: Int) -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: (0..<(width * height * channels)).map { Float(($0 * 7919) % 1000) / 1000 })
    }

    @Test func aWindowOfTheScaledImageEqualsResizeThenCrop() throws {
        var rng = TestRandom(31)
        for _ in 0..<30 {
            let image = ramp(rng.int(1...40), rng.int(1...40), rng.int(1...3))
            let (sw, sh) = (rng.int(1...60), rng.int(1...60))
            let (w, h) = (rng.int(1...sw), rng.int(1...sh))
            let (x, y) = (rng.int(0...(sw - w)), rng.int(0...(sh - h)))
            let window = try image.resizedBilinear(scaledWidth: sw, scaledHeight: sh, x: x, y: y, width: w, height: h)
            let whole = try image.resizedBilinear(width: sw, height: sh).cropped(x: x, y: y, width: w, height: h)
            #expect(window == whole)
        }
    }

    /// A 177-byte PNG of 100000 × 1 used to make "fill" allocate a 22.4 M × 224 scaled image
    /// (60 GB). Now only the 224 × 224 window is resampled.
    @Test func fillOnALongThinImageAllocatesOnlyItsOutput() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("line.png").path
        try PNGWriter.write(Image(width: 100_000, height: 1, channels: 1, pixels: (0..<100_000).map { Float($0 % 256) / 255 }), to: path)
        let fileSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(fileSize < 10_000)
        let batch = try ImageBatch.load([path], size: 224, fit: .fill)
        #expect(batch.shape == [1, 224, 224, 3])
        // The row is the centre of the line, stretched 224×: its values come from around x = 50000.
        let centre = try ImageReader.read(path).pixels[49_999...50_000]
        #expect(batch[0, 0, 111, 0] >= centre.min()! - 1e-6 && batch[0, 0, 111, 0] <= centre.max()! + 1e-6)
        #expect(batch[0, 0, 0, 0] == batch[0, 223, 0, 0])  // every row the same: one source row
    }

    @Test func absurdOrEmptySizesAreErrorsNotAllocations() throws {
        let image = ramp(4, 3, 1)
        let cases: [(String, () throws -> Image)] = [
            ("resizedBilinear: expected sizes of at least 1", { try image.resizedBilinear(width: 0, height: 3) }),
            ("resizedBilinear: expected at most 25000000 pixels", { try image.resizedBilinear(width: 1 << 40, height: 1 << 40) }),
            ("resizedBilinear: expected at most 25000000 pixels", { try image.resizedBilinear(width: Int.max, height: 2) }),
            ("resizedBilinear: expected a window inside", {
                try image.resizedBilinear(scaledWidth: 8, scaledHeight: 8, x: 5, y: 0, width: 4, height: 4) }),
            ("cropped: expected a non-empty window inside the 4 × 3 image", { try image.cropped(x: 1, y: 0, width: 4, height: 1) }),
            ("cropped: expected a non-empty window inside", { try image.cropped(x: -1, y: 0, width: 1, height: 1) }),
            ("cropped: expected a non-empty window inside", { try image.cropped(x: 0, y: 0, width: 0, height: 1) }),
            ("cropped: expected a non-empty window inside", { try image.cropped(x: Int.max, y: 0, width: 1, height: 1) }),
            ("resizedBilinear: expected a non-empty image", {
                try Image(width: 0, height: 0, channels: 3, pixels: []).resizedBilinear(width: 2, height: 2) }),
        ]
        for (prefix, run) in cases {
            let error = #expect(throws: TensorScopeError.self) { _ = try run() }
            #expect(error?.description.hasPrefix(prefix) == true, "\(String(describing: error))")
        }
    }

    @Test func mosaicColumnsAreBoundedByTheChannels() throws {
        let features = try Initializer.randomNormal(seed: 3).tensor(shape: [1, 5, 4, 6])
        let wide = try FeatureMosaic.make(features, index: 0, columns: 1 << 40)
        #expect(wide.width == 6 * 4 + 5 && wide.height == 5)
        #expect(wide == (try FeatureMosaic.make(features, index: 0, columns: 6)))
        #expect(throws: TensorScopeError.self) { try FeatureMosaic.make(features, index: 0, columns: 0) }
        #expect(throws: TensorScopeError.self) { try FeatureMosaic.make(features, index: 1) }
    }

    /// A symbolic link planted where a mosaic goes is replaced, not followed.
    @Test func pngWriterDoesNotFollowAPlantedLink() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appendingPathComponent("victim.txt")
        try Data("keep me".utf8).write(to: victim)
        let planted = folder.appendingPathComponent("01-cat-features.png")
        try FileManager.default.createSymbolicLink(at: planted, withDestinationURL: victim)
        try PNGWriter.write(Image(width: 2, height: 1, channels: 1, pixels: [0, 1]), to: planted.path)
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: planted.path)) == nil)
        #expect(try PNGReader.read(planted.path).pixels == [0, 1])
    }
}
