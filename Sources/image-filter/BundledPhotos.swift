import Foundation
import TensorScope

/// The photographs in the repository's Photos/ folder (see Photos/SOURCES.md).
enum BundledPhotos {
    /// `TENSORSCOPE_PHOTOS` when set, else Photos/ of the checkout this program was built from.
    static var folder: String {
        if let folder = ProcessInfo.processInfo.environment["TENSORSCOPE_PHOTOS"] { return folder }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Photos").path
    }

    static func paths() throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let photos = files.filter { $0.lowercased().hasSuffix(".png") }.sorted()
        guard !photos.isEmpty else {
            throw TensorScopeError(.io, "\(folder): no bundled photos found; pass PNG paths or set TENSORSCOPE_PHOTOS")
        }
        return photos.map { (folder as NSString).appendingPathComponent($0) }
    }
}
