import Foundation
import TensorScope

/// Reading an image file's bytes with the checks every decoder needs first: it exists, is a
/// regular file (a symbolic link is followed, and the size checked is the target's), is not
/// empty and not larger than `ImageReader.maxFileBytes`.
enum ImageFile {
    static func read(_ path: String, op: String) throws -> Data {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw TensorScopeError.image(op, path, "no such file")
            }
            if isDirectory.boolValue { throw TensorScopeError.image(op, path, "is a directory, expected an image file") }
            throw TensorScopeError.image(op, path, "unreadable (\(error.localizedDescription))")
        }
        defer { try? handle.close() }
        // The size of what was opened (fstat), so a link cannot hide a huge target.
        var status = stat()
        guard fstat(handle.fileDescriptor, &status) == 0 else {
            throw TensorScopeError.image(op, path, "unreadable (fstat failed)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            if status.st_mode & S_IFMT == S_IFDIR {
                throw TensorScopeError.image(op, path, "is a directory, expected an image file")
            }
            throw TensorScopeError.image(op, path, "not a regular file")
        }
        let size = Int(status.st_size)
        guard size <= ImageReader.maxFileBytes else {
            throw TensorScopeError.image(op, path, "expected a file of at most \(ImageReader.maxFileBytes) bytes, got \(size)")
        }
        guard size > 0 else { throw TensorScopeError.image(op, path, "empty file") }
        let data: Data
        do {
            // At most one byte more than fstat said, so a file that grows meanwhile is noticed
            // instead of read without bound.
            data = try handle.read(upToCount: size + 1) ?? Data()
        } catch {
            throw TensorScopeError.image(op, path, "unreadable (\(error.localizedDescription))")
        }
        guard data.count <= ImageReader.maxFileBytes else {
            throw TensorScopeError.image(op, path, "expected a file of at most \(ImageReader.maxFileBytes) bytes, got more")
        }
        guard !data.isEmpty else { throw TensorScopeError.image(op, path, "empty file") }
        return data
    }
}
