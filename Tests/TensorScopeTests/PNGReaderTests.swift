import Foundation
import Testing
import TensorScope
@testable import TensorScopeImage

/// Reading every PNG colour type and depth (fixtures from scripts/generate_png_fixtures.py).
@Suite struct PNGReaderTests {
    struct Expected: Decodable {
        var width: Int, height: Int, channels: Int, pixels: [Double]
    }

    static let expected: [String: Expected] = try! JSONDecoder().decode(
        [String: Expected].self, from: Data(contentsOf: URL(fileURLWithPath: Paths.fixture("png/expected.json"))))

    @Test(arguments: expected.keys.sorted())
    func readsEveryFormat(_ name: String) throws {
        let want = Self.expected[name]!
        let image = try PNGReader.read(Paths.fixture("png/\(name)"))
        #expect(image.width == want.width && image.height == want.height && image.channels == want.channels)
        // 8-bit and 16-bit values are exact; 16-bit with alpha goes through libpng's
        // premultiplication and back, which costs up to a few 16-bit steps.
        let tolerance: Float = name.hasSuffix("16.png") && name.contains("alpha") || name.hasPrefix("rgba16") ? 2e-4 : 1e-6
        #expect(image.pixels.count == want.pixels.count)
        for (got, exp) in zip(image.pixels, want.pixels) {
            #expect(abs(got - Float(exp)) <= tolerance, "\(name): \(got) vs \(exp)")
        }
    }

    @Test func grayIsReplicatedToRGBAndColourBecomesLuma() throws {
        let gray = try PNGReader.read(Paths.fixture("png/gray8.png"))
        let rgb = try PNGReader.read(Paths.fixture("png/gray8.png"), channels: .rgb)
        #expect(rgb.channels == 3)
        #expect(rgb.pixels == gray.pixels.flatMap { [$0, $0, $0] })
        let colour = try PNGReader.read(Paths.fixture("png/rgb8.png"))
        let luma = try PNGReader.read(Paths.fixture("png/rgb8.png"), channels: .gray)
        #expect(luma.channels == 1)
        for p in 0..<luma.pixels.count {
            let want = 0.299 * colour.pixels[3 * p] + 0.587 * colour.pixels[3 * p + 1] + 0.114 * colour.pixels[3 * p + 2]
            #expect(abs(luma.pixels[p] - want) < 1e-6)
        }
    }

    @Test func readsTheBundledPhotos() throws {
        let cat = try PNGReader.read(Paths.photo("chelsea.png"))
        #expect(cat.width == 451 && cat.height == 300 && cat.channels == 3)
        let camera = try PNGReader.read(Paths.photo("camera.png"), channels: .rgb)
        #expect(camera.width == 512 && camera.height == 512 && camera.channels == 3)
        #expect(cat.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func writesAndReadsBackGrayAndRGB() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rgb = Image(width: 4, height: 3, channels: 3, pixels: (0..<36).map { Float($0 * 7 % 256) / 255 })
        let gray = Image(width: 5, height: 2, channels: 1, pixels: (0..<10).map { Float($0 * 25) / 255 })
        for image in [rgb, gray] {
            let path = folder.appendingPathComponent("\(image.channels).png").path
            try PNGWriter.write(image, to: path)
            #expect(try PNGReader.read(path) == image)
        }
        // Out-of-range values are clamped, NaN written as 0.
        let wild = Image(width: 3, height: 1, channels: 1, pixels: [-1, 2, .nan])
        let path = folder.appendingPathComponent("wild.png").path
        try PNGWriter.write(wild, to: path)
        #expect(try PNGReader.read(path).pixels == [0, 1, 0])
        // Unwritable destinations are errors naming the file.
        let error = #expect(throws: TensorScopeError.self) { try PNGWriter.write(gray, to: "/nonexistent-dir/x.png") }
        #expect(error?.description.contains("/nonexistent-dir/x.png") == true)
        #expect(throws: TensorScopeError.self) {
            try PNGWriter.write(Image(width: 1, height: 1, channels: 2, pixels: [0, 0]), to: path)
        }
    }
}

/// Broken input: each gives an error naming the file; none crashes or allocates gigabytes.
@Suite struct BrokenPNGTests {
    func expectRejected(_ path: String, mentioning words: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try PNGReader.read(path)
            Issue.record("\(path) was read", sourceLocation: sourceLocation)
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix("readPNG: \(path): "), "\(message)", sourceLocation: sourceLocation)
            if let words { #expect(message.contains(words), "\(message)", sourceLocation: sourceLocation) }
        }
    }

    @Test(arguments: ["absurd_dimensions.png", "zero_width.png", "bad_bit_depth.png", "no_idat.png", "missing_rows.png"])
    func brokenFixturesAreRejected(_ name: String) {
        expectRejected(Paths.fixture("png/\(name)"))
    }

    @Test func absurdDimensionsAreRefusedBeforeDecoding() {
        expectRejected(Paths.fixture("png/absurd_dimensions.png"), mentioning: "100000 × 100000")
    }

    @Test func damagedCopiesOfARealPhotoAreRejected() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try Data(contentsOf: URL(fileURLWithPath: Paths.photo("coffee_256.png")))
        func write(_ name: String, _ data: Data) throws -> String {
            let url = folder.appendingPathComponent(name)
            try data.write(to: url)
            return url.path
        }
        for fraction in [0.9, 0.5, 0.1] {
            expectRejected(try write("truncated-\(fraction).png", good.prefix(Int(Double(good.count) * fraction))))
        }
        expectRejected(try write("only-signature.png", good.prefix(8)))
        var corrupt = good
        for i in stride(from: 200, to: corrupt.count - 100, by: 997) { corrupt[i] ^= 0x5A }
        expectRejected(try write("corrupt.png", corrupt))
        expectRejected(try write("empty.png", Data()), mentioning: "empty")
        expectRejected(try write("text.png", Data("hello, not a picture\n".utf8)), mentioning: "not a PNG")
        expectRejected(try write("jpeg.png", Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 100))), mentioning: "not a PNG")
        expectRejected(folder.appendingPathComponent("missing.png").path, mentioning: "no such file")
        expectRejected(folder.path, mentioning: "directory")
    }

    @Test func batchLoadingNamesTheBadFile() throws {
        let bad = Paths.fixture("png/no_idat.png")
        let error = #expect(throws: TensorScopeError.self) {
            try ImageBatch.load([Paths.photo("chelsea.png"), bad], size: 16)
        }
        #expect(error?.description.contains(bad) == true)
    }
}
