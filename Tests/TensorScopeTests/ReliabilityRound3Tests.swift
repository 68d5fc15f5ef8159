import Foundation
import Synchronization
import Testing
import TensorScope
@testable import TensorScopeGraph
@testable import TensorScopeImage

/// The third reliability round's defects, each with the case that showed it: JPEG bombs (the
/// reproducers come from scripts/generate_hostile_jpegs.py and are in the fuzz corpus too),
/// files that block, checkpoint races, exclusive event-file names, throwing forms of the
/// trapping constructors.
@Suite struct ReliabilityRound3Tests {
    /// A flag tasks poll to stop.
    final class Stop: Sendable {
        private let flag = Atomic<Bool>(false)
        var requested: Bool { flag.load(ordering: .relaxed) }
        func request() { flag.store(true, ordering: .relaxed) }
    }

    /// A 16 KB progressive JPEG whose frame says 12000 × 12000: decoding it at 1/8 scale passes
    /// the pixel limit, but libjpeg would keep 432 MB of coefficients of the stored size.
    @Test func progressiveBombIsRefusedBeforeDecoding() throws {
        let path = Paths.fixture("jpeg/progressive_bomb.jpg")
        let frame = try #require(try Data(contentsOf: URL(fileURLWithPath: path)).withUnsafeBytes { JPEGFrame.read($0) })
        #expect(frame.width == 12000 && frame.height == 12000 && frame.progressive)
        // 4:2:0 in MCUs of 16 × 16: Y 1500 × 1500 blocks, Cb and Cr 750 × 750, 128 bytes each.
        #expect(frame.coefficientBytes == (1500 * 1500 + 2 * 750 * 750) * 128)
        let options = ImageReader.ReadOptions(channels: .rgb, targetSize: 224)
        let message = "\(try #require(throws: TensorScopeError.self) { try ImageReader.read(path, options: options) })"
        #expect(message.contains(path) && message.contains("progressive") && message.contains("411 MiB"), "\(message)")
        // A budget that allows it gets as far as the (truncated) data.
        var generous = options
        generous.maxProgressiveBytes = 1 << 30
        let other = "\(try #require(throws: TensorScopeError.self) { try ImageReader.read(path, options: generous) })"
        #expect(other.contains("truncated or corrupt"), "\(other)")
        // The bundled progressive photo is well within the budget.
        #expect(try ImageReader.read(Paths.photo("coffee_256-progressive.jpg"), options: options).width == 256)
    }

    /// 530 progressive scans: refused past 500, as TurboJPEG's TJFLAG_LIMITSCANS does.
    @Test func manyScansAreRefused() throws {
        let path = Paths.fixture("jpeg/many_scans.jpg")
        let message = "\(try #require(throws: TensorScopeError.self) { try ImageReader.read(path) })"
        #expect(message.contains(path) && message.contains("500 scans"), "\(message)")
    }

    /// Runs `body` on a thread of its own and waits at most `seconds` for it.
    static func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            done.signal()
        }
        return done.wait(timeout: .now() + seconds) == .success
    }

    /// A FIFO where an image or a checkpoint is expected: refused at once, not waited on.
    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe.jpg").path
        try #require(mkfifo(fifo, 0o644) == 0)
        let messages = Mutex<[String]>([])
        let finished = Self.finishes(within: 10) {
            for read in [{ _ = try ImageReader.read(fifo) }, { _ = try SafeTensors.read(fifo) }] as [() throws -> Void] {
                do { try read() } catch { messages.withLock { $0.append("\(error)") } }
            }
        }
        #expect(finished, "reading a FIFO blocked")
        let seen = messages.withLock { $0 }
        #expect(seen.count == 2 && seen.allSatisfy { $0.contains(fifo) && $0.contains("FIFO") }, "\(seen)")
    }

    /// Saves while another task restores two checkpoints in turn: every saved file holds one of
    /// them whole, never a mix.
    @Test func aSaveIsAlwaysOneStateOfTheGraph() async throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = Graph()
        try graph.asDefault {
            for name in ["a", "b", "c", "d", "e", "f"] {
                _ = try getVariable(name, shape: [64, 64], initializer: .constant(1))
            }
        }
        let ones = folder.appendingPathComponent("ones.safetensors").path
        let twos = folder.appendingPathComponent("twos.safetensors").path
        try graph.saveVariables(to: ones)
        for variable in graph.globalVariables { try variable.assign(Tensor(repeating: 2, shape: [64, 64])) }
        try graph.saveVariables(to: twos)
        let stop = Stop()
        async let restores: Void = Task.detached {
            while !stop.requested {
                try graph.restoreVariables(from: ones)
                try graph.restoreVariables(from: twos)
            }
        }.value
        var mixed = 0
        for i in 0..<150 {
            let path = folder.appendingPathComponent("save\(i % 4).safetensors").path
            try graph.saveVariables(to: path)
            let values = Set(try SafeTensors.read(path).values.flatMap(\.scalars))
            if values.count != 1 { mixed += 1 }
        }
        stop.request()
        try await restores
        #expect(mixed == 0, "\(mixed) of 150 saves mixed two checkpoints")
    }

    /// Four tasks run forward passes back to back; a restore still gets in within about one pass
    /// (a lock that prefers readers let it wait more than 30 s).
    @Test func aRestoreIsNotStarvedByReaders() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = Graph()
        try graph.asDefault { _ = try getVariable("w", shape: [8], initializer: .constant(1)) }
        let path = folder.appendingPathComponent("w.safetensors").path
        try graph.saveVariables(to: path)
        // Threads of their own: blocking loops on Swift's cooperative pool would starve the test.
        let stop = Stop()
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<4 {
            Thread.detachNewThread {
                while !stop.requested {
                    graph.readingVariables { Thread.sleep(forTimeInterval: 0.01) }  // a pass
                }
                finished.signal()
            }
        }
        Thread.sleep(forTimeInterval: 0.1)
        let start = Date()
        try graph.restoreVariables(from: path)
        let waited = Date().timeIntervalSince(start)
        stop.request()
        for _ in 0..<4 { finished.wait() }
        #expect(waited < 5, "the restore waited \(waited) s")
    }

    /// Runs that share a log folder in the same second each get an event file of their own.
    @Test func eventFileNamesAreCreatedExclusively() async throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = Graph()
        try graph.asDefault { _ = relu(try getVariable("v", shape: [2], initializer: .zeros).value) }
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<12 { group.addTask { try graph.writeTensorBoardGraph(logdir: folder.path) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(paths).count == 12)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("events.out.tfevents.") }
        #expect(files.count == 12, "\(files)")
        // Creating over an existing name writes nothing and says so.
        let existing = try #require(paths.first)
        let before = try Data(contentsOf: URL(fileURLWithPath: existing))
        #expect(try AtomicFile.create(Data([1, 2, 3]), at: existing) == false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == before)
    }

    /// Sizes that come from data have throwing forms of the trapping constructor and subscript.
    @Test func throwingFormsOfTheTrappingAPI() throws {
        #expect(throws: TensorScopeError.self) { try Tensor(shape: [-1, 2], repeating: 0) }
        #expect(throws: TensorScopeError.self) { try Tensor(shape: [Int.max, 2], repeating: 0) }
        #expect(throws: TensorScopeError.self) { try Tensor(shape: [1 << 40, 1 << 20], repeating: 0) }
        let t = try Tensor(shape: [2, 3], repeating: 5)
        #expect(t.scalars == [Float](repeating: 5, count: 6))
        #expect(try t.scalar(at: [1, 2]) == 5)
        let message = "\(try #require(throws: TensorScopeError.self) { try t.scalar(at: [2, 0]) })"
        #expect(message.contains("0..<2") && message.contains("axis 0"), "\(message)")
        #expect(throws: TensorScopeError.self) { try t.scalar(at: [0]) }
    }

    /// A folder of one photo, two links to it, a broken link, a FIFO and a sub-folder: the links
    /// are read (each under its own name), everything left out is named with its reason.
    @Test func foldersFollowLinksAndNameWhatTheyLeaveOut() throws {
        let root = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appendingPathComponent("photos"), output = root.appendingPathComponent("out")
        let sub = photos.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let photo = photos.appendingPathComponent("cat.png").path
        try FileManager.default.copyItem(atPath: Paths.photo("chelsea.png"), toPath: photo)
        try FileManager.default.copyItem(atPath: Paths.photo("camera.png"), toPath: sub.appendingPathComponent("camera.png").path)
        for name in ["link1.png", "link2.png"] {
            try FileManager.default.createSymbolicLink(atPath: photos.appendingPathComponent(name).path, withDestinationPath: photo)
        }
        let broken = photos.appendingPathComponent("broken.png").path
        try FileManager.default.createSymbolicLink(atPath: broken, withDestinationPath: root.appendingPathComponent("gone.png").path)
        let fifo = photos.appendingPathComponent("pipe.png").path
        try #require(mkfifo(fifo, 0o644) == 0)
        // A link back to the folder itself: a loop, descended once.
        try FileManager.default.createSymbolicLink(atPath: sub.appendingPathComponent("up").path, withDestinationPath: photos.path)

        let cli = ImageFilterCLITests()
        let flat = try cli.run(["--size", "16", "--output", output.path, photos.path])
        #expect(flat.status == 0, "\(flat.stderr)")
        #expect(flat.stdout.contains("3 image(s)"), "\(flat.stdout)")
        #expect(flat.stdout.contains("skipping \(broken): a broken symbolic link"), "\(flat.stdout)")
        #expect(flat.stdout.contains("skipping \(fifo): not a regular file"), "\(flat.stdout)")
        #expect(flat.stdout.contains("skipping \(sub.path)/: a folder (add --recursive to read sub-folders)"), "\(flat.stdout)")

        let deep = try cli.run(["--size", "16", "--recursive", "--output", output.path, photos.path])
        #expect(deep.status == 0, "\(deep.stderr)")
        #expect(deep.stdout.contains("4 image(s)"), "\(deep.stdout)")
    }

    /// What cannot be read because of permissions is named with the system's reason: an
    /// unreadable sub-folder, an unreadable image, an image under a folder without search
    /// permission (each skipped with one line), and an unreadable folder named on the command
    /// line (an error naming it). Permissions do not bind root, so as root the run is made as
    /// `nobody` (`setpriv`), from a copy of the binary that user can reach.
    @Test func permissionProblemsAreNamedWithTheirReason() throws {
        let root = try Paths.temporaryFolder()
        defer {
            for locked in ["photos/locked", "photos/searchless", "closed"] {
                chmod(root.appendingPathComponent(locked).path, 0o755)
            }
            try? FileManager.default.removeItem(at: root)
        }
        let photos = root.appendingPathComponent("photos"), output = root.appendingPathComponent("out")
        let (locked, searchless, closed) = (photos.appendingPathComponent("locked"), photos.appendingPathComponent("searchless"),
                                            root.appendingPathComponent("closed"))
        for folder in [locked, searchless, closed, output] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: Paths.photo("chelsea.png"), toPath: photos.appendingPathComponent("ok.png").path)
        let secret = photos.appendingPathComponent("secret.png").path
        try FileManager.default.copyItem(atPath: Paths.photo("camera.png"), toPath: secret)
        try FileManager.default.copyItem(atPath: Paths.photo("camera.png"), toPath: locked.appendingPathComponent("x.png").path)
        let hidden = searchless.appendingPathComponent("y.png").path
        try FileManager.default.copyItem(atPath: Paths.photo("camera.png"), toPath: hidden)
        let binary = root.appendingPathComponent("image-filter")
        try FileManager.default.copyItem(at: ImageFilterCLITests.executable, to: binary)
        #expect(chmod(root.path, 0o755) == 0 && chmod(photos.path, 0o755) == 0 && chmod(output.path, 0o777) == 0)
        #expect(chmod(secret, 0o000) == 0 && chmod(locked.path, 0o000) == 0 && chmod(searchless.path, 0o644) == 0
                && chmod(closed.path, 0o000) == 0)

        func run(_ arguments: [String]) throws -> ImageFilterCLITests.Run {
            let cli = ImageFilterCLITests()
            guard getuid() == 0 else { return try cli.run(arguments, executable: binary) }
            return try cli.run(["--reuid=65534", "--regid=65534", "--clear-groups", "--", binary.path] + arguments,
                               executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        }
        let result = try run(["--size", "8", "--recursive", "--output", output.path, photos.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 image(s)"), "\(result.stdout)")
        #expect(result.stdout.contains("skipping \(locked.path)/: unreadable folder (Permission denied)"), "\(result.stdout)")
        #expect(result.stdout.contains("skipping \(secret): unreadable (Permission denied)"), "\(result.stdout)")
        #expect(result.stdout.contains("skipping \(hidden): Permission denied"), "\(result.stdout)")
        let named = try run(["--size", "8", "--output", output.path, closed.path])
        #expect(named.status != 0)
        #expect(named.stderr.contains("\(closed.path): unreadable folder (Permission denied)"), "\(named.stderr)")
    }

    /// A disk that fills up: the features, the TensorBoard graph and the weights all fail, and
    /// all three are reported (a `try?` used to swallow the last two); nothing half-written is
    /// left.
    @Test func everyFailedOutputIsReported() throws {
        let root = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let disk = root.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.path]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "a 64 KiB tmpfs is needed to fill a disk (mount runs as root)")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [disk.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        // Fill it.
        try #require(FileManager.default.createFile(atPath: disk.path + "/filler", contents: nil))
        let filler = try #require(FileHandle(forWritingAtPath: disk.path + "/filler"))
        while (try? filler.write(contentsOf: Data(count: 4096))) != nil {}
        // One page left: room for the run's settings record, none for its outputs.
        let filled = try filler.seekToEnd()
        try filler.truncate(atOffset: filled >= 4096 ? filled - 4096 : 0)
        try? filler.close()

        let features = disk.appendingPathComponent("features"), logs = disk.appendingPathComponent("logs")
        let weights = disk.appendingPathComponent("w.safetensors")
        let result = try ImageFilterCLITests().run([
            "--size", "16", "--no-mosaics", "--features", features.path, "--logdir", logs.path,
            "--save-weights", weights.path,
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("3 outputs failed"), "\(result.stderr)")
        for path in [features.path, logs.path, weights.path] {
            #expect(result.stderr.contains(path), "\(path) not reported: \(result.stderr)")
        }
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: features.path)) ?? []).filter { !$0.hasPrefix(".") }
        #expect(left.isEmpty && !FileManager.default.fileExists(atPath: weights.path), "\(left)")
    }
}
