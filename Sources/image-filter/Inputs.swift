import Foundation
import TensorScopeImage

/// The images a run reads: files named on the command line, and the supported images in named
/// folders (sorted by path; `--recursive` descends). A folder's other files are skipped with
/// one line each; a named file is always kept, so a problem with it is an error later.
struct Inputs {
    struct File: Sendable {
        var path: String
        /// Named on the command line (errors are fatal) rather than found in a folder (skipped).
        var explicit: Bool
    }

    var files: [File] = []

    static func collect(_ arguments: [String], recursive: Bool, note: (String) -> Void) throws -> Inputs {
        var inputs = Inputs()
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
                inputs.files.append(File(path: argument, explicit: true))
                continue
            }
            for path in try folder(argument, recursive: recursive) {
                if ImageReader.Format.detect(FileHead.read(path)) != nil {
                    inputs.files.append(File(path: path, explicit: false))
                } else {
                    note("skipping \(path): not a PNG or JPEG image")
                }
            }
        }
        return inputs
    }

    /// The regular files in `folder` (and below, when `recursive`), sorted by path; hidden
    /// files are left out.
    static func folder(_ folder: String, recursive: Bool) throws -> [String] {
        let url = URL(fileURLWithPath: folder)
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey]
        var paths: [String] = []
        if recursive {
            guard let walker = FileManager.default.enumerator(
                at: url, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else { return [] }
            for case let item as URL in walker where (try? item.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                paths.append(item.path)
            }
        } else {
            let items = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
            paths = items.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true }.map(\.path)
        }
        return paths.sorted()
    }
}

/// The first bytes of a file, for telling formats apart without reading it all.
enum FileHead {
    static func read(_ path: String, count: Int = 16) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)) ?? Data()
    }
}
