import Foundation
import TensorScopeKernels
#if canImport(Glibc)
import Glibc
#endif

/// Opening a file for reading the way every reader in the package does: it must be a regular
/// file (a symbolic link is followed), and opening it never blocks — a FIFO or a device is
/// opened non-blocking, seen for what it is and refused, instead of waiting forever for a
/// writer. A failure says why in words (the system's own reason: "Permission denied", …).
package enum RegularFile {
    /// Why a path could not be opened for reading.
    package enum Problem: Error, CustomStringConvertible {
        case missing
        case directory
        case notRegular(String)
        case unreadable(String)

        package var description: String {
            switch self {
            case .missing: "no such file"
            case .directory: "is a directory, expected a file"
            case .notRegular(let kind): "not a regular file (\(kind))"
            case .unreadable(let reason): "unreadable (\(reason))"
            }
        }
    }

    /// Opens `path`; the handle is positioned at the start, `size` is what `fstat` says.
    package static func open(_ path: String) -> Result<(handle: FileHandle, size: Int), Problem> {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(code == ENOENT ? .missing : code == EISDIR ? .directory : .unreadable(reason(code)))
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let code = errno
            close(fd)
            return .failure(.unreadable("fstat: \(reason(code))"))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFDIR:
            close(fd)
            return .failure(.directory)
        case let kind:
            close(fd)
            let name = kind == S_IFIFO ? "a FIFO" : kind == S_IFCHR ? "a character device"
                : kind == S_IFBLK ? "a block device" : kind == S_IFSOCK ? "a socket" : "mode \(String(kind, radix: 8))"
            return .failure(.notRegular(name))
        }
        // Reads of a regular file never block; clear the flag all the same, for plain reads.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success((FileHandle(fileDescriptor: fd, closeOnDealloc: true), Int(status.st_size)))
    }

    /// Fills `destination` with the bytes of `handle`'s file at `offset`, with `pread` (no
    /// shared file position, so readers on several threads do not disturb each other).
    ///
    /// - Throws: `.io` naming `path` when the file is unreadable or ends before the range does.
    package static func read(
        _ handle: FileHandle, at offset: Int, into destination: UnsafeMutableRawBufferPointer, path: String
    ) throws {
        var done = 0
        while done < destination.count {
            let got = pread(handle.fileDescriptor, destination.baseAddress! + done, destination.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw TensorScopeError(.io, "\(path): unreadable (\(reason(errno)))")
            }
            guard got > 0 else {
                throw TensorScopeError(.io, "\(path): truncated: expected \(destination.count) bytes at \(offset), got \(done)")
            }
            done += got
        }
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
