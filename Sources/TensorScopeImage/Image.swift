import TensorScope

/// A decoded image: `height × width × channels` floats in `[0, 1]`, row-major (HWC), as a
/// single NHWC image would hold them.
public struct Image: Equatable, Sendable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// 1 (gray) or 3 (RGB).
    public let channels: Int
    /// `pixels[(y · width + x) · channels + c]`.
    public var pixels: [Float]

    /// An image of the given size holding `pixels`, row by row, channels interleaved.
    ///
    /// - Precondition: `pixels.count == width · height · channels` (an internal invariant of
    ///   the readers and transforms that build images).
    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * channels,
                     "internal: image storage does not match its size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The image as a batch of one: `[1, height, width, channels]`.
    ///
    /// - Throws: only if `pixels` was resized after the image was made, which breaks the
    ///   image's invariant.
    public var tensor: Tensor {
        get throws { try Tensor(shape: [1, height, width, channels], scalars: pixels) }
    }
}

/// Which channels a reader returns.
public enum ChannelMode: Sendable, Equatable {
    /// 1 for gray and gray+alpha files, 3 for colour and palette files.
    case native
    /// Always 3: gray is replicated into R, G and B.
    case rgb
    /// Always 1: colour becomes luma `0.299 R + 0.587 G + 0.114 B` (ITU-R BT.601) of the
    /// stored values.
    case gray
}
