import Foundation
import Testing
import TensorScope
import TensorScopeImage

/// The README's face example: `face-example` runs MTCNN's frozen graphs (imported) on the
/// bundled photos and finds the faces the `mtcnn` package finds there (its boxes in
/// Fixtures/mtcnn/manifest.json, from scripts/convert_mtcnn.py).
@Suite(.serialized) struct FaceExampleTests {
    struct Manifest: Decodable { var faces: [String: [Int]] }

    func run(_ arguments: [String]) throws -> Executable.Run {
        try Executable.run(Executable.url("face-example"), arguments)
    }

    /// Intersection over union of two `[x, y, width, height]` boxes.
    static func overlap(_ a: [Double], _ b: [Double]) -> Double {
        let w = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
        let h = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
        return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)
    }

    @Test(arguments: [("astronaut_256.png", "0.3"), ("camera.png", "0.2")])
    func findsTheFaceTheMTCNNPackageFinds(_ photo: String, _ scale: String) throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("face.png").path
        let result = try run([Paths.photo(photo), "--models", Paths.fixture("mtcnn"), "--scale", scale, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        // "face at x 88, y 29, 46 × 58 px, probability 0.9999 (PNet 0.9891)"
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("face at x ") })
        let numbers = line.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) }
        #expect(numbers.count >= 5, "\(line)")
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: Paths.fixture("mtcnn/manifest.json"))))
        let expected = manifest.faces[photo]!.map(Double.init)
        #expect(Self.overlap(Array(numbers[0..<4]), expected) > 0.7, "\(line) vs \(expected)")
        #expect(numbers[4] > 0.99, "\(line)")
        // The picture: the photo's size, the box's top edge painted green.
        let written = try ImageReader.read(output, channels: .rgb)
        let original = try ImageReader.read(Paths.photo(photo), channels: .rgb)
        #expect(written.width == original.width && written.height == original.height)
        let (x, y) = (Int(numbers[0].rounded()) + 3, Int(numbers[1].rounded()))
        let pixel = Array(written.pixels[((y * written.width + x) * 3)..<((y * written.width + x) * 3 + 3)])
        #expect(pixel[1] > 0.8 && pixel[0] < 0.2, "\(pixel)")
    }

    @Test func refusesWhatItCannotUse() throws {
        let badScale = try run(["--scale", "0"])
        #expect(badScale.status != 0 && badScale.stderr.contains("--scale must be in (0, 1], got 0.0"))
        let missing = try run([Paths.photo("astronaut_256.png"), "--models", "/nonexistent"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/pnet.pb: no such file"), "\(missing.stderr)")
    }
}
