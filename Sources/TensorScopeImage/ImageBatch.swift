import TensorScope

/// How images of different sizes are brought to one `size × size` for a batch.
public enum Fit: String, Sendable, CaseIterable {
    /// Scale (bilinear) so the shorter side is `size` — the other becomes
    /// `⌊side · size / shorter + ½⌋` — then take the centred `size × size` window. Keeps the
    /// aspect ratio; loses the ends of the longer side. The default.
    case fill
    /// Scale (bilinear) straight to `size × size`; distorts non-square images.
    case resize
    /// Take the centred `size × size` window without scaling; every image must be at least
    /// `size` in both directions.
    case crop
}

/// Builds NHWC batches from image files.
public enum ImageBatch {
    /// The largest side a batch image may have: `maxSize²` stays within
    /// `ImageReader.defaultMaxPixels`, so fitting never allocates more than reading may.
    public static let maxSize = 5000

    /// `image` brought to `size × size` by `fit`; `path` names the file in errors.
    public static func fitted(_ image: Image, size: Int, fit: Fit, path: String) throws -> Image {
        guard size > 0, size <= maxSize else {
            throw TensorScopeError.image("ImageBatch", path, "expected a size from 1 to \(maxSize), got \(size)")
        }
        switch fit {
        case .resize:
            return try image.resizedBilinear(width: size, height: size)
        case .crop:
            guard image.width >= size, image.height >= size else {
                throw TensorScopeError.image(
                    "ImageBatch", path,
                    "expected at least \(size) × \(size) pixels to crop, got \(image.width) × \(image.height)")
            }
            return try image.cropped(x: (image.width - size) / 2, y: (image.height - size) / 2, width: size, height: size)
        case .fill:
            let shorter = min(image.width, image.height)
            // ⌊side · size / shorter + ½⌋ in integers, so every platform agrees. The scaled image
            // is never built: only its centred size × size window is resampled, so a long thin
            // image costs no more than its output (a 100000 × 1 image would scale to 22.4 M × 224).
            let newWidth = (2 * image.width * size + shorter) / (2 * shorter)
            let newHeight = (2 * image.height * size + shorter) / (2 * shorter)
            let (x, y) = ((newWidth - size) / 2, (newHeight - size) / 2)
            if image.width == newWidth && image.height == newHeight {
                return try image.cropped(x: x, y: y, width: size, height: size)
            }
            return try image.resizedBilinear(scaledWidth: newWidth, scaledHeight: newHeight, x: x, y: y, width: size, height: size)
        }
    }

    /// Reads `paths` as RGB (or `channels`), fits each to `size × size` and stacks them:
    /// `[paths.count, size, size, channels]`.
    ///
    /// - Throws: the first file's read error, naming that file; `.invalidArgument` for no paths.
    public static func load(_ paths: [String], size: Int, fit: Fit = .fill, channels: ChannelMode = .rgb) throws -> Tensor {
        guard !paths.isEmpty else {
            throw TensorScopeError.invalidArgument("ImageBatch.load", expected: "at least one image path", got: "none")
        }
        var scalars: [Float] = []
        var channelCount = 0
        for path in paths {
            let image = try fitted(ImageReader.read(path, channels: channels), size: size, fit: fit, path: path)
            guard channelCount == 0 || image.channels == channelCount else {
                throw TensorScopeError.image(
                    "ImageBatch", path, "expected \(channelCount) channels like the other images, got \(image.channels)")
            }
            channelCount = image.channels
            scalars.append(contentsOf: image.pixels)
        }
        return try Tensor(shape: [paths.count, size, size, channelCount], scalars: scalars)
    }
}
