import ArgumentParser
import BundledPhotos
import Foundation
import TensorScope
import TensorScopeImage

/// Finds the clearest face in a photo with MTCNN's pretrained networks, imported from
/// TensorFlow's frozen graphs (`scripts/convert_mtcnn.py`), and draws what they found: the box
/// and the five landmarks. Two of MTCNN's three stages at one scale — PNet's face-probability map,
/// its most confident window refined by its box regression, then ONet on that crop — not the
/// whole cascade (no image pyramid, RNet or non-maximum suppression): enough for one face whose
/// size the scale suits.
@main
struct FaceExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face-example",
        abstract: "Find the clearest face in a photo with MTCNN's pretrained nets (frozen TensorFlow graphs, imported).")

    @Argument(help: "A PNG or JPEG photo (default: the bundled astronaut_256.png).") var image: String?
    @Option(help: "The folder of pnet.pb and onet.pb.") var models = "Tests/TensorScopeTests/Fixtures/mtcnn"
    @Option(help: "The scale PNet sees the photo at: faces about 12 / scale pixels wide are found.") var scale = 0.3
    @Option(help: "Where to write the photo with the box and landmarks drawn.") var output = "face.png"

    func validate() throws {
        guard scale > 0, scale <= 1 else { throw ValidationError("--scale must be in (0, 1], got \(scale)") }
    }

    func run() throws {
        try Startup.prepareProgram()
        let path = try image ?? BundledPhotos.paths().first { $0.hasSuffix("/astronaut_256.png") } ?? "astronaut_256.png"
        let photo = try ImageReader.read(path, channels: .rgb)
        let face = try Self.find(in: photo, models: models, scale: scale)
        print(String(format: "face at x %.0f, y %.0f, %.0f × %.0f px, probability %.4f (PNet %.4f)",
                     face.box.x, face.box.y, face.box.width, face.box.height, face.probability, face.proposal))
        let names = ["left eye", "right eye", "nose", "mouth left", "mouth right"]
        print(zip(names, face.landmarks).map { String(format: "%@ (%.0f, %.0f)", $0, $1.x, $1.y) }.joined(separator: ", "))
        try PNGWriter.write(Self.annotated(photo, face), to: output)
        print("written to \(output)")
    }

    struct Box { var x, y, width, height: Float }
    struct Face {
        var box: Box
        var probability: Float
        var proposal: Float
        var landmarks: [(x: Float, y: Float)]
    }

    /// The photo's pixels, `[0, 1]`, as MTCNN's input: `(255 · p − 127.5) / 128`.
    static func normalised(_ image: Image) throws -> Tensor {
        try Tensor(shape: [1, image.height, image.width, 3], scalars: image.pixels.map { ($0 * 255 - 127.5) / 128 })
    }

    static func find(in photo: Image, models: String, scale: Double) throws -> Face {
        // PNet over the photo at `scale`: each output position a 12 × 12 window, 2 apart.
        let pnet = try Graph(importingGraphDef: URL(fileURLWithPath: models + "/pnet.pb"))
        let small = try photo.resizedBilinear(width: Int((Double(photo.width) * scale).rounded()),
                                              height: Int((Double(photo.height) * scale).rounded()))
        let (regression, probability) = try {
            let outputs = try Session(graph: pnet).run([try pnet.tensor(named: "Identity"), try pnet.tensor(named: "Identity_1")],
                                                      feeds: ["input": try normalised(small)])
            return (outputs[0], outputs[1])
        }()
        let (rows, columns) = (probability.shape[1], probability.shape[2])
        let best = (0..<(rows * columns)).max { probability.scalars[2 * $0 + 1] < probability.scalars[2 * $1 + 1] }!
        let (i, j) = (best / columns, best % columns)
        let cell = Float(12 / scale), stride = Float(2 / scale)
        let r = regression.scalars[(4 * best)..<(4 * best + 4)].map { $0 * cell }
        var box = square(Box(x: Float(j) * stride + r[r.startIndex], y: Float(i) * stride + r[r.startIndex + 1],
                             width: cell + r[r.startIndex + 2] - r[r.startIndex], height: cell + r[r.startIndex + 3] - r[r.startIndex + 1]))

        // ONet on that window, 48 × 48: the face's probability, a finer box, the landmarks.
        let onet = try Graph(importingGraphDef: URL(fileURLWithPath: models + "/onet.pb"))
        let crop = try window(photo, box).resizedBilinear(width: 48, height: 48)
        let outputs = try Session(graph: onet).run(
            try ["Identity", "Identity_1", "Identity_2"].map { try onet.tensor(named: $0) }, feeds: ["input": try normalised(crop)])
        let (refine, marks, faceProbability) = (outputs[0].scalars, outputs[1].scalars, outputs[2].scalars[1])
        let landmarks = (0..<5).map { (x: box.x + marks[$0] * box.width, y: box.y + marks[5 + $0] * box.height) }
        box = Box(x: box.x + refine[0] * box.width, y: box.y + refine[1] * box.height,
                  width: box.width * (1 + refine[2] - refine[0]), height: box.height * (1 + refine[3] - refine[1]))
        return Face(box: box, probability: faceProbability, proposal: probability.scalars[2 * best + 1], landmarks: landmarks)
    }

    /// The square of the box's longer side around its centre, as MTCNN crops.
    static func square(_ box: Box) -> Box {
        let side = max(box.width, box.height)
        return Box(x: box.x + (box.width - side) / 2, y: box.y + (box.height - side) / 2, width: side, height: side)
    }

    /// The pixels under `box`, clamped to the photo.
    static func window(_ photo: Image, _ box: Box) throws -> Image {
        let x = max(0, min(photo.width - 1, Int(box.x.rounded()))), y = max(0, min(photo.height - 1, Int(box.y.rounded())))
        let width = max(1, min(photo.width - x, Int(box.width.rounded()))), height = max(1, min(photo.height - y, Int(box.height.rounded())))
        return try photo.cropped(x: x, y: y, width: width, height: height)
    }

    /// The photo with the box outlined in green and each landmark a red dot.
    static func annotated(_ photo: Image, _ face: Face) -> Image {
        var out = photo
        func paint(_ x: Int, _ y: Int, _ color: [Float]) {
            guard x >= 0, y >= 0, x < out.width, y < out.height else { return }
            for c in 0..<3 { out.pixels[(y * out.width + x) * 3 + c] = color[c] }
        }
        let green: [Float] = [0.1, 0.9, 0.2], red: [Float] = [1, 0.1, 0.1]
        let (x0, y0) = (Int(face.box.x.rounded()), Int(face.box.y.rounded()))
        let (x1, y1) = (Int((face.box.x + face.box.width).rounded()), Int((face.box.y + face.box.height).rounded()))
        for t in 0..<2 {
            for x in x0...max(x0, x1) { paint(x, y0 + t, green); paint(x, y1 - t, green) }
            for y in y0...max(y0, y1) { paint(x0 + t, y, green); paint(x1 - t, y, green) }
        }
        for mark in face.landmarks {
            for dy in -1...1 { for dx in -1...1 { paint(Int(mark.x.rounded()) + dx, Int(mark.y.rounded()) + dy, red) } }
        }
        return out
    }
}
