import Foundation
import TensorScope
import TensorScopeGraph

/// Reading an image file's bytes with the checks every decoder needs first: it exists, is a
/// regular file (a symbolic link is followed, and the size checked is the target's; a FIFO is
/// refused without waiting on it), is not empty and not larger than `ImageReader.maxFileBytes`.
enum ImageFile {
    static func read(_ path: String, op: String) throws -> Data {
        let (handle, size): (FileHandle, Int)
        switch RegularFile.open(path) {
        case .success(let opened): (handle, size) = opened
        case .failure(.directory): throw TensorScopeError.image(op, path, "is a directory, expected an image file")
        case .failure(let problem): throw TensorScopeError.image(op, path, "\(problem)")
        }
        defer { try? handle.close() }
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
