import Foundation

/// The photographs shipped with TensorScope (`Photos/SOURCES.md` beside this file lists their
/// origins and licences: CC0 or public domain), for the `image-filter` demo and the benchmark.
///
/// They are a resource of this target: SwiftPM copies them next to the executables that link
/// it (`TensorScope_BundledPhotos.resources/Photos`), so they are found from any working
/// directory and after the checkout moved. `TENSORSCOPE_PHOTOS` names another folder.
public enum BundledPhotos {
    /// The folder in use: `TENSORSCOPE_PHOTOS` when set, else the resource folder next to the
    /// running executable, else nil.
    public static var folder: String? {
        if let folder = ProcessInfo.processInfo.environment["TENSORSCOPE_PHOTOS"] { return folder }
        // The resource bundle is looked up by hand rather than through `Bundle.module`, whose
        // accessor stops the program when the bundle is missing (an executable copied alone).
        let resources = Bundle.main.bundleURL
            .appendingPathComponent("TensorScope_BundledPhotos.resources").appendingPathComponent("Photos")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resources.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return resources.path
    }

    /// The photos' paths, sorted by name.
    ///
    /// - Throws: an error saying where it looked when there are none.
    public static func paths() throws -> [String] {
        guard let folder else {
            throw BundledPhotosError(message: "the bundled photos are not next to this executable "
                + "(TensorScope_BundledPhotos.resources); pass image paths or set TENSORSCOPE_PHOTOS")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let photos = files.filter { [".png", ".jpg"].contains(where: $0.lowercased().hasSuffix) }.sorted()
        guard !photos.isEmpty else {
            throw BundledPhotosError(message: "\(folder): no photos found; pass image paths or set TENSORSCOPE_PHOTOS")
        }
        return photos.map { (folder as NSString).appendingPathComponent($0) }
    }
}

/// Why the bundled photos could not be listed.
public struct BundledPhotosError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
