import Foundation
import Testing
import TensorScope
@testable import TensorScopeImage

/// JPEG decoding against TensorFlow's tf.io.decode_jpeg (Fixtures/jpeg/decoded.safetensors from
/// scripts/generate_jpeg_fixtures.py) within ±1 per 8-bit value, DCT scaling, EXIF orientation
/// and broken files.
@Suite struct JPEGReaderTests {
    static let decoded: [String: Tensor] = (try? SafeTensors.read(Paths.fixture("jpeg/decoded.safetensors"))) ?? [:]

    static func path(_ name: String) -> String {
        name.hasPrefix("chelsea") || name.hasPrefix("coffee") || name.hasPrefix("camera") ? Paths.photo(name) : Paths.fixture("jpeg/\(name)")
    }

    @Test(arguments: ["chelsea.jpg", "coffee_256-progressive.jpg", "camera-gray.jpg", "cmyk.jpg", "upright.jpg"])
    func pixelsMatchTensorFlowWithinOneLevel(_ name: String) throws {
        let expected = try #require(Self.decoded[name], "no TensorFlow decode of \(name)")
        let gray = name.contains("gray")
        let image = try ImageReader.read(Self.path(name), options: .init(channels: gray ? .native : .rgb))
        #expect([image.height, image.width, image.channels] == expected.shape)
        let worst = zip(image.pixels, expected.scalars).map { abs(Double($0) * 255 - Double($1)) }.max() ?? .infinity
        #expect(worst <= 1.0 + 1e-3, "\(name): largest difference \(worst) levels")
    }

    @Test func largePhotosAreDecodedAtAReducedScale() throws {
        let path = Paths.fixture("jpeg/large.jpg")  // 1024 × 1536
        let full = try ImageReader.read(path)
        #expect(full.width == 1024 && full.height == 1536)
        // Size 64: the shorter side 1024 ≥ 4 × 64, so the smallest scale keeping ≥ 128: 1/8 → 128 × 192.
        let scaled = try ImageReader.read(path, options: .init(targetSize: 64))
        #expect(scaled.width == 128 && scaled.height == 192)
        // Size 200: 1024 ≥ 800; 1/2 gives 512 ≥ 400, 1/4 gives 256 < 400 → 1/2.
        #expect(try ImageReader.read(path, options: .init(targetSize: 200)).width == 512)
        // Size 300: 1024 < 1200 → full size.
        #expect(try ImageReader.read(path, options: .init(targetSize: 300)).width == 1024)
        // The pixel limit applies to what is decoded: 1.5 M stored pixels pass a 100 k limit at 1/8.
        #expect(throws: TensorScopeError.self) { try ImageReader.read(path, options: .init(maxPixels: 100_000)) }
        #expect(try ImageReader.read(path, options: .init(maxPixels: 100_000, targetSize: 64)).height == 192)
        // The scaled decode still looks like the photo: its mean is the full decode's, closely.
        let mean = { (i: Image) in i.pixels.reduce(0, +) / Float(i.pixels.count) }
        #expect(abs(mean(full) - mean(scaled)) < 0.01)
        #expect(JPEGReader.scaleDenominator(width: 6000, height: 4000, targetSize: 224) == 8)
    }

    /// Each orientation, read with orientation applied, shows the same upright picture.
    @Test(arguments: 1...8)
    func exifOrientationIsApplied(_ orientation: Int) throws {
        let upright = try ImageReader.read(Paths.fixture("jpeg/upright.jpg"))
        let path = Paths.fixture("jpeg/orientation\(orientation).jpg")
        #expect(EXIFOrientation.read(from: try Data(contentsOf: URL(fileURLWithPath: path)))?.rawValue == orientation)
        let turned = try ImageReader.read(path)
        #expect(turned.width == 48 && turned.height == 32)
        let worst = zip(turned.pixels, upright.pixels).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 2.0 / 255, "orientation \(orientation): \(worst)")
        if [5, 6, 7, 8].contains(orientation) {
            // As stored (orientation ignored) the picture is sideways.
            let stored = try ImageReader.read(path, options: .init(appliesOrientation: false))
            #expect(stored.width == 32 && stored.height == 48)
        }
    }

    @Test(arguments: ["truncated02.jpg", "truncated30.jpg", "truncated90.jpg", "corrupt_marker.jpg", "huge_header.jpg", "empty.jpg"])
    func brokenFilesAreRejectedWithTheirName(_ name: String) throws {
        let path = Paths.fixture("jpeg/\(name)")
        let error = #expect(throws: TensorScopeError.self) { try ImageReader.read(path) }
        let message = try #require(error?.description)
        #expect(message.contains(path), "\(message)")
        if name == "huge_header.jpg" { #expect(message.contains("expected at most 25000000 pixels"), "\(message)") }
    }
}
