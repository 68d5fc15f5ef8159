import Foundation
import TensorScope

extension ImageFilter {
    /// The tensors `--load-weights` names: a TensorFlow checkpoint when the path is its
    /// `.index` file, or a prefix with an `.index` file beside it and no file of its own;
    /// otherwise a safetensors file. Strict either way: exactly the `expected` names and shapes.
    static func weights(at path: String, expecting expected: [String: [Int]]) throws -> [String: Tensor] {
        let files = FileManager.default
        if path.hasSuffix(".index") {
            return try TensorFlowCheckpoint(prefix: String(path.dropLast(".index".count))).tensors(expecting: expected)
        }
        if !files.fileExists(atPath: path), files.fileExists(atPath: path + ".index") {
            return try TensorFlowCheckpoint(prefix: path).tensors(expecting: expected)
        }
        return try SafeTensors.read(path, expecting: expected)
    }
}
