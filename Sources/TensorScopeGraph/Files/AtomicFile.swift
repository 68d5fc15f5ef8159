import TensorScopeKernels
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes a whole file so that readers see either the old contents or the new, never a part.
///
/// - The bytes go to an unnamed file (`O_TMPFILE`) in the destination's folder, which vanishes
///   by itself if the process dies while writing, then get a temporary name and are renamed
///   over the destination. (Where `O_TMPFILE` is not supported, a named temporary file is
///   used and removed on every error.)
/// - An existing file keeps its permission bits; a new one gets `0644` less the umask.
/// - A symbolic link at the destination is written through by default (its target is replaced,
///   the link stays: a checkpoint kept behind a link stays there); with `followingLinks: false`
///   the link itself is replaced by the file, so a link planted in an output folder cannot
///   redirect the write.
public enum AtomicFile {
    /// Writes `data` to `path`.
    ///
    /// - Throws: `.io` naming `path` and the system's reason.
    public static func write(_ data: Data, to path: String, followingLinks: Bool = true) throws {
        _ = try write(to: path, followingLinks: followingLinks, replacing: true, bypassingCache: false) { sink in
            try data.withUnsafeBytes { try sink.write($0) }
        }
    }

    /// Writes what `contents` hands its sink, piece by piece, to `path`, whole or not at all
    /// as `write(_:to:followingLinks:)` does: for contents that already lie in memory in
    /// pieces (a header and tensors' buffers), without first copying them into one `Data`.
    ///
    /// - Parameter bypassingCache: written with direct I/O (`DirectStaging`) where the file
    ///   system allows it: for large files read by someone else later, whose copy into the
    ///   page cache would cost more than their write.
    package static func write(to path: String, followingLinks: Bool = true, bypassingCache: Bool = false,
                              contents: (Sink) throws -> Void) throws {
        _ = try write(to: path, followingLinks: followingLinks, replacing: true, bypassingCache: bypassingCache, contents: contents)
    }

    /// The open file `contents` writes into.
    package struct Sink {
        let fd: Int32
        let fault: (String) -> TensorScopeError
        let staging: DirectStaging?

        /// Appends `bytes` to the file.
        package func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard let staging else { return try writeAll(bytes) }
            do {
                try staging.write(bytes)
            } catch let error as DirectStaging.DirectIOError {
                throw fault(String(cString: strerror(error.code)))
            }
        }

        /// Writes what is staged for direct I/O.
        func finish() throws {
            do {
                try staging?.flush(final: true)
            } catch let error as DirectStaging.DirectIOError {
                throw fault(String(cString: strerror(error.code)))
            }
        }

        private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
            let code = DirectStaging.writeAll(fd, bytes)
            guard code == 0 else { throw fault(String(cString: strerror(code))) }
        }
    }

    /// Writes `data` to a file that does not exist yet at `path`, whole or not at all, as
    /// `write` does; when something exists at `path` already it is left alone and nothing is
    /// written. Two processes creating the same name cannot both succeed (the name is made with
    /// `link`, which fails on an existing name).
    ///
    /// - Returns: `false` when `path` existed.
    /// - Throws: `.io` naming `path` and the system's reason.
    public static func create(_ data: Data, at path: String) throws -> Bool {
        try write(to: path, followingLinks: false, replacing: false, bypassingCache: false) { sink in
            try data.withUnsafeBytes { try sink.write($0) }
        }
    }

    private static func write(to path: String, followingLinks: Bool, replacing: Bool, bypassingCache: Bool,
                              contents: (Sink) throws -> Void) throws -> Bool {
        let destination = followingLinks ? resolvingLinks(path) : path
        var existing = stat()
        if !replacing && lstat(destination, &existing) == 0 { return false }
        let folder = (destination as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        func fault(_ what: String) -> TensorScopeError {
            TensorScopeError(.io, "\(path): could not write (\(what))")
        }
        // An existing file keeps its mode; a new one — or a link being replaced, which happens
        // only when not following links — gets the usual 0644 less the umask.
        var status = stat()
        let mode: mode_t
        if lstat(destination, &status) == 0 && status.st_mode & S_IFMT != S_IFLNK {
            guard status.st_mode & S_IFMT == S_IFREG else { throw fault("not a regular file") }
            mode = status.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o644 & ~mask
        }
        let temporary = (directory as NSString).appendingPathComponent(
            ".\((destination as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        var fd = open(directory, AtomicFile.openTemporaryFile | O_WRONLY, mode)
        let anonymous = fd >= 0
        if !anonymous {
            fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, mode)
        }
        guard fd >= 0 else { throw fault(String(cString: strerror(errno))) }
        var named = !anonymous
        defer { if named { unlink(temporary) } }
        do {
            defer { close(fd) }
            let sink = Sink(fd: fd, fault: fault, staging: bypassingCache ? DirectStaging(fd: fd) : nil)
            try contents(sink)
            try sink.finish()
            guard fchmod(fd, mode) == 0, fsync(fd) == 0 else { throw fault(String(cString: strerror(errno))) }
            if anonymous {
                guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0 else {
                    throw fault(String(cString: strerror(errno)))
                }
                named = true
            }
        }
        if replacing {
            guard rename(temporary, destination) == 0 else { throw fault(String(cString: strerror(errno))) }
            named = false
        } else {
            // A second name for the written file, which fails if the destination exists; the
            // temporary name is then removed (by the deferred unlink).
            guard link(temporary, destination) == 0 else {
                if errno == EEXIST { return false }
                throw fault(String(cString: strerror(errno)))
            }
        }
        return true
    }

    /// Linux's `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`; `__O_TMPFILE` is `020000000` on x86-64
    /// and arm64), a macro Swift does not import.
    static let openTemporaryFile: Int32 = 0o20000000 | O_DIRECTORY

    /// `path` with symbolic links at its end followed (at most 40, as the kernel does).
    static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, Int(PATH_MAX))
            guard count > 0 else { return current }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/")
                ? target
                : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        return current
    }
}
