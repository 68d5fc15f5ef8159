import Foundation
import Testing
import TensorScope
import TensorScopeImage

/// The one entry point for image files: format by content, the file checks every format shares.
@Suite struct ImageReaderTests {
    @Test func picksTheDecoderByContentNotByName() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A PNG named .jpg is still read as PNG, and equals what PNGReader reads.
        let renamed = folder.appendingPathComponent("cat.jpg")
        try FileManager.default.copyItem(atPath: Paths.photo("chelsea.png"), toPath: renamed.path)
        #expect(try ImageReader.read(renamed.path) == PNGReader.read(Paths.photo("chelsea.png")))
        #expect(ImageReader.Format.detect(try Data(contentsOf: renamed)) == .png)
    }

    @Test func anUnknownFormatNamesTheFormatsItReads() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("notes.png")
        try Data("GIF89a, or so it says".utf8).write(to: text)
        let error = #expect(throws: TensorScopeError.self) { try ImageReader.read(text.path) }
        let message = try #require(error?.description)
        #expect(message.hasPrefix("readImage: \(text.path): not an image in a format TensorScope reads (PNG, JPEG)"), "\(message)")
        #expect(message.hasSuffix("the file starts with 47 49 46 38"), "\(message)")
    }

    /// The size cap applies to what a symbolic link points to, not to the link.
    @Test func theSizeCapFollowsSymbolicLinks() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("big.png")
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(ImageReader.maxFileBytes + 1))  // sparse: no disk used
        try handle.close()
        let link = folder.appendingPathComponent("small-looking.png")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: big.path)
        for read in [{ try ImageReader.read(link.path) }, { try PNGReader.read(link.path) }] {
            let error = #expect(throws: TensorScopeError.self) { _ = try read() }
            #expect(error?.description.contains("expected a file of at most \(ImageReader.maxFileBytes) bytes, got \(ImageReader.maxFileBytes + 1)") == true,
                    "\(String(describing: error))")
        }
        // A link to a good photo reads as the photo.
        let good = folder.appendingPathComponent("good.png")
        try FileManager.default.createSymbolicLink(atPath: good.path, withDestinationPath: Paths.photo("camera.png"))
        #expect(try ImageReader.read(good.path) == PNGReader.read(Paths.photo("camera.png")))
    }

    @Test func directoriesAndMissingFilesAreNamed() throws {
        let folder = try Paths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dir = #expect(throws: TensorScopeError.self) { try ImageReader.read(folder.path) }
        #expect(dir?.description == "readImage: \(folder.path): is a directory, expected an image file")
        let missing = folder.appendingPathComponent("nope.png").path
        let gone = #expect(throws: TensorScopeError.self) { try ImageReader.read(missing) }
        #expect(gone?.description == "readImage: \(missing): no such file")
    }
}
