import Foundation
import TensorScope

/// Where each image's outputs go, checked before any computation.
///
/// Files are numbered by the image's position among all sorted inputs (not just this shard's),
/// zero-padded to the width of the total, so they sort in input order for any count and stay
/// unique when two inputs share a name: `0042-IMG_0042-features.png`.
struct OutputPlan {
    var mosaicsFolder: String?
    var featuresFolder: String?
    var total: Int

    private var width: Int { max(2, String(total).count) }

    func stem(position: Int, path: String) -> String {
        let number = String(position + 1)
        let padded = String(repeating: "0", count: max(0, width - number.count)) + number
        return padded + "-" + URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    func mosaicPath(position: Int, path: String) -> String? {
        mosaicsFolder.map { ($0 as NSString).appendingPathComponent(stem(position: position, path: path) + "-features.png") }
    }

    func featuresPath(position: Int, path: String) -> String? {
        featuresFolder.map { ($0 as NSString).appendingPathComponent(stem(position: position, path: path) + ".safetensors") }
    }

    /// Whether every output of this image exists already (for `--resume`).
    func isDone(position: Int, path: String) -> Bool {
        let outputs = [mosaicPath(position: position, path: path), featuresPath(position: position, path: path)].compactMap { $0 }
        return !outputs.isEmpty && outputs.allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    /// Creates `folder` if missing and proves it writable, or throws one line naming it.
    static func prepareFolder(_ folder: String, role: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TensorScopeError(.io, "\(folder): cannot create the \(role) folder (\(error.localizedDescription))")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw TensorScopeError(.io, "\(folder): the \(role) folder is not writable")
        }
    }

    /// Checks that `file` can be written (its folder exists and is writable), or throws one line.
    static func checkWritableFile(_ file: String, role: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TensorScopeError(.io, "\(file): cannot write the \(role): folder \(directory) does not exist")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw TensorScopeError(.io, "\(file): cannot write the \(role): folder \(directory) is not writable")
        }
    }
}
