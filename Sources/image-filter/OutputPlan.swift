import Foundation
import TensorScope

/// Where each image's outputs go, checked before any computation.
///
/// The outputs mirror the inputs: below each output folder, an image keeps the path it has
/// below the folder named on the command line, that folder's own name first, and its file
/// name with the extension (`photos/2024/IMG_0042.jpg` gives
/// `photos/2024/IMG_0042.jpg-features.png` and `photos/2024/IMG_0042.jpg.safetensors`), so a
/// script finds an image's outputs from its path alone, and the names do not change with the
/// number of images or the shard. A named file goes straight into the output folder.
///
/// `--flat` keeps everything in the output folders themselves, numbered by the image's
/// position among all sorted inputs (not just this shard's) and zero-padded to the width of
/// the total, so they sort in input order and stay unique when two inputs share a name:
/// `0042-IMG_0042-features.png`.
struct OutputPlan {
    var mosaicsFolder: String?
    var featuresFolder: String?
    var total: Int
    var flat = false

    private var width: Int { max(2, String(total).count) }

    func stem(position: Int, file: Inputs.File) -> String {
        guard flat else { return file.name }
        let number = String(position + 1)
        let padded = String(repeating: "0", count: max(0, width - number.count)) + number
        return padded + "-" + URL(fileURLWithPath: file.path).deletingPathExtension().lastPathComponent
    }

    func mosaicPath(position: Int, file: Inputs.File) -> String? {
        mosaicsFolder.map { ($0 as NSString).appendingPathComponent(stem(position: position, file: file) + "-features.png") }
    }

    func featuresPath(position: Int, file: Inputs.File) -> String? {
        featuresFolder.map { ($0 as NSString).appendingPathComponent(stem(position: position, file: file) + ".safetensors") }
    }

    /// Whether every output of this image exists already (for `--resume`).
    func isDone(position: Int, file: Inputs.File) -> Bool {
        let outputs = [mosaicPath(position: position, file: file), featuresPath(position: position, file: file)].compactMap { $0 }
        return !outputs.isEmpty && outputs.allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    /// Refuses inputs whose outputs would land on one path (two named files or folders with
    /// the same last component), naming the first few pairs.
    func checkDistinct(_ files: [Inputs.File]) throws {
        guard !flat else { return }
        var first: [String: String] = [:]
        var clashes: [String] = []
        for file in files {
            if let earlier = first[file.name] {
                clashes.append("\(earlier) and \(file.path) would both write \(file.name)")
            } else {
                first[file.name] = file.path
            }
        }
        guard clashes.isEmpty else {
            throw TensorScopeError(.invalidArgument, "outputs would collide: " + clashes.prefix(3).joined(separator: "; ")
                + (clashes.count > 3 ? "; and \(clashes.count - 3) more" : "")
                + "; rename one of them, or pass --flat for numbered names")
        }
    }

    /// Creates `folder` (and what is missing above it), or throws one line naming it and its
    /// `role`.
    static func makeFolder(_ folder: String, role: String = "output") throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TensorScopeError(.io, "\(folder): cannot create the \(role) folder (\(error.localizedDescription))")
        }
    }

    /// Creates `folder` if missing and proves it writable, or throws one line naming it.
    static func prepareFolder(_ folder: String, role: String) throws {
        try makeFolder(folder, role: role)
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
