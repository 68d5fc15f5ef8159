import Foundation
import TensorScope
import TensorScopeGraph
import TensorScopeImage

/// The images a run reads: files named on the command line, and the supported images in named
/// folders (sorted by path; `--recursive` descends). A folder's other files are skipped with
/// one line each; a named file that cannot be opened is an error at once, and one that turns
/// out not to be an image an error when its batch is read.
struct Inputs {
    struct File: Sendable {
        var path: String
        /// Named on the command line (errors are fatal) rather than found in a folder (skipped).
        var explicit: Bool
        /// Where the image's outputs go below an output folder: a named file's own name, or a
        /// named folder's last component and the path below it (`photos/2024/IMG_0042.jpg`).
        var name: String
    }

    var files: [File] = []

    /// - Parameter excluded: folders not to read (the run's own output folders, when they lie
    ///   inside an input folder), each left out with a note.
    static func collect(_ arguments: [String], recursive: Bool, excluding excluded: [String] = [],
                        note: (String) -> Void) throws -> Inputs {
        var inputs = Inputs()
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
                // A named file that cannot be opened ends the run now, before any work.
                switch RegularFile.open(argument) {
                case .success(let (handle, _)): try? handle.close()
                case .failure(let problem): throw TensorScopeError(.io, "\(argument): \(problem)")
                }
                inputs.files.append(File(path: argument, explicit: true, name: lastComponent(argument)))
                continue
            }
            let root = lastComponent(argument)
            let prefix = argument.hasSuffix("/") ? argument : argument + "/"
            for path in try folder(argument, recursive: recursive, excluding: excluded, note: note) {
                switch FileHead.read(path) {
                case .success(let head) where ImageReader.Format.detect(head) != nil:
                    let below = String(path.dropFirst(prefix.count))
                    inputs.files.append(File(path: path, explicit: false, name: root.isEmpty ? below : root + "/" + below))
                case .success:
                    note("skipping \(path): not a PNG or JPEG image")
                case .failure(let problem):
                    note("skipping \(path): \(problem)")
                }
            }
        }
        return inputs
    }

    /// The files in `folder` (and below, when `recursive`), sorted by path; hidden entries are
    /// left out. Symbolic links are followed: a link to a file is an input under the link's
    /// own path (each link once, so a file linked twice is read twice), a link to a folder is
    /// descended like a folder, and a folder reached twice (a loop) only once. Everything else
    /// left out gets one `note` with its path and why: a sub-folder without `--recursive`, an
    /// unreadable sub-folder, a FIFO or device, a broken link.
    ///
    /// - Throws: `.io` naming `folder` when it cannot be read itself.
    static func folder(_ folder: String, recursive: Bool, excluding excluded: [String] = [],
                       note: (String) -> Void) throws -> [String] {
        var paths: [String] = []
        var visited = Set<FileID>()
        let outputs = Set(excluded.compactMap { path -> FileID? in
            var status = stat()
            return stat(path, &status) == 0 ? FileID(status) : nil
        })
        func walk(_ directory: String, top: Bool) throws {
            guard let stream = opendir(directory) else {
                let reason = String(cString: strerror(errno))
                if top { throw TensorScopeError(.io, "\(directory): unreadable folder (\(reason))") }
                note("skipping \(directory)/: unreadable folder (\(reason))")
                return
            }
            defer { closedir(stream) }
            var names: [String] = []
            while let entry = readdir(stream) {
                // The name in place: a dirent is only as long as its name, so copying the whole
                // 256-byte d_name field could read past the directory buffer.
                let name = String(cString: (UnsafeRawPointer(entry) + direntNameOffset).assumingMemoryBound(to: CChar.self))
                if !name.hasPrefix(".") { names.append(name) }
            }
            for name in names.sorted() {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var status = stat()
                guard stat(path, &status) == 0 else {
                    note("skipping \(path): \(errno == ENOENT ? "a broken symbolic link" : String(cString: strerror(errno)))")
                    continue
                }
                switch status.st_mode & S_IFMT {
                case S_IFREG:
                    paths.append(path)
                case S_IFDIR:
                    guard recursive else {
                        note("skipping \(path)/: a folder (add --recursive to read sub-folders)")
                        continue
                    }
                    guard !outputs.contains(FileID(status)) else {
                        note("skipping \(path)/: an output folder of this run")
                        continue
                    }
                    guard visited.insert(FileID(status)).inserted else { continue }
                    try walk(path, top: false)
                default:
                    note("skipping \(path): not a regular file")
                }
            }
        }
        var status = stat()
        if stat(folder, &status) == 0 { visited.insert(FileID(status)) }
        try walk(folder, top: true)
        return paths.sorted()
    }

    /// A path's last component as outputs name it; empty for `.`, `..` and `/`, whose trees go
    /// straight into the output folder.
    static func lastComponent(_ path: String) -> String {
        let component = (path as NSString).lastPathComponent
        return component == "/" || component == "." || component == ".." ? "" : component
    }

    /// Where `d_name` starts in a `dirent`.
    private static let direntNameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    /// A file's identity (device and inode), to descend each folder once.
    struct FileID: Hashable {
        let device: UInt64
        let inode: UInt64
        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
        }
    }
}

/// The first bytes of a file, for telling formats apart without reading it all.
enum FileHead {
    static func read(_ path: String, count: Int = 16) -> Result<Data, RegularFile.Problem> {
        RegularFile.open(path).flatMap { handle, _ in
            defer { try? handle.close() }
            do {
                return .success(try handle.read(upToCount: count) ?? Data())
            } catch {
                return .failure(.unreadable(error.localizedDescription))
            }
        }
    }
}
