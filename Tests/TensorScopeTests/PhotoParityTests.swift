import Foundation
import Testing
import TensorScope
import TensorScopeModels
import TensorScopeImage

/// my_image_filter on the bundled photos against TensorFlow (scripts/generate_photo_parity.py):
/// the same decode and resize path, TensorFlow's own weights, 1e-4 relative.
@Suite struct PhotoParityTests {
    struct Manifest: Decodable {
        var photos: [String]
        var batches: [[Int]]
        var size: Int
        var fit: String
    }

    @Test(arguments: SharingMethod.allCases)
    func matchesTensorFlowOnPhotos(method: SharingMethod) throws {
        let folder = Paths.fixture("photo_parity")
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
        let reference = try SafeTensors.read(folder + "/outputs.safetensors")
        let fit = try #require(Fit(rawValue: manifest.fit))
        let batches = try manifest.batches.map { indices in
            try ImageBatch.load(indices.map { Paths.photo(manifest.photos[$0]) }, size: manifest.size, fit: fit)
        }
        // The decode/resize path itself agrees with TensorFlow's.
        for (k, batch) in batches.enumerated() {
            expectClose(batch.scalars, reference["batch\(k)/input"]!.scalars, relative: 1e-5, "input batch \(k)")
        }
        let graph = Graph()
        graph.setInitialValues(try SafeTensors.read(
            folder + "/weights.safetensors", expecting: ImageFilterModel.variableShapes(channels: 3)))
        let outputs = try graph.asDefault { try ImageFilterModel.run(batches, method: method) }
        #expect(graph.trainableVariables.count == 4)
        for (k, output) in outputs.enumerated() {
            let expected = reference["batch\(k)/output"]!
            #expect(output.shape == expected.shape)
            expectClose(output.scalars, expected.scalars, relative: 1e-4, "method \(method) batch \(k)")
        }
    }
}
