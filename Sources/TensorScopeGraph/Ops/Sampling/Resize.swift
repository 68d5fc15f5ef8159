import TensorScopeKernels

/// NHWC images resized by bilinear interpolation, as `tf.image.resize(images, size)` (TF2's
/// half-pixel centres, the default) or `tf.compat.v1.image.resize_bilinear` (TF1's rule, and
/// its `align_corners`).
///
/// - Parameters:
///   - x: images `[N, H, W, C]`, H and W at least 1.
///   - size: the output `[height, width]`, each at least 1.
///   - halfPixelCenters: pixel centres at `+ 0.5` (TF2, default); false for TF1's rule.
///   - alignCorners: TF1's `align_corners` (corner pixels aligned; only without
///     `halfPixelCenters`).
///   - name: the op's name under the current name scope, made unique (default `ResizeBilinear`).
/// - Throws: `.invalidArgument` (message starting `resizeBilinear:`) for another rank, empty
///   images, a bad size, or both options set.
///
/// Records a `ResizeBilinear` op (`size` an int32 constant; attributes `align_corners`,
/// `half_pixel_centers`).
public func resizeBilinear(
    _ x: some TensorConvertible, size: [Int], halfPixelCenters: Bool = true, alignCorners: Bool = false, name: String? = nil
) throws -> Tensor {
    try resize("ResizeBilinear", x, size: size, .init(alignCorners: alignCorners, halfPixelCenters: halfPixelCenters), name: name)
}

/// NHWC images resized by copying the nearest pixel, with TF1's rule by default, as
/// `tf.compat.v1.image.resize_nearest_neighbor` (`tf.image.resize(…, method="nearest")` is
/// `halfPixelCenters: true`).
///
/// - Parameters:
///   - x: images `[N, H, W, C]`, H and W at least 1.
///   - size: the output `[height, width]`, each at least 1.
///   - halfPixelCenters: TF2's pixel centres (default false, TF1's rule).
///   - alignCorners: TF1's `align_corners` (only without `halfPixelCenters`).
///   - name: the op's name under the current name scope, made unique (default
///     `ResizeNearestNeighbor`).
/// - Throws: `.invalidArgument` (message starting `resizeNearestNeighbor:`) as `resizeBilinear`.
///
/// Records a `ResizeNearestNeighbor` op.
public func resizeNearestNeighbor(
    _ x: some TensorConvertible, size: [Int], halfPixelCenters: Bool = false, alignCorners: Bool = false, name: String? = nil
) throws -> Tensor {
    try resize("ResizeNearestNeighbor", x, size: size, .init(alignCorners: alignCorners, halfPixelCenters: halfPixelCenters),
               name: name)
}

private func resize(_ type: String, _ x: some TensorConvertible, size: [Int], _ options: Resize.Options, name: String?) throws -> Tensor {
    try runOperation(type, name: name ?? type, [OpInput("images", x), OpInput("size", integers: size)], attributes: .float32([
        "align_corners": .bool(options.alignCorners), "half_pixel_centers": .bool(options.halfPixelCenters),
    ]))
}

/// The definition of a resize op type; `run` is its kernel.
private func resizeDefinition(
    _ type: String, op: String,
    _ run: @escaping @Sendable (UnsafePointer<Float>, [Int], [Int], Resize.Options, UnsafeMutablePointer<Float>) -> Void
) -> OpDefinition {
    @Sendable func options(_ attributes: Attributes) -> Resize.Options {
        .init(alignCorners: attributes.bool("align_corners"), halfPixelCenters: attributes.bool("half_pixel_centers"))
    }
    return OpDefinition(type, outputShapes: { inputs, attributes in
        [try Resize.outputShape(inputs[0].shape, size: try inputs[1].integerValues(op: op), options(attributes), op: op)]
    }, compute: { inputs, attributes, outputs in
        run(inputs[0].pointer, inputs[0].shape, try inputs[1].integerValues(op: op, argument: "size"), options(attributes),
            outputs[0].baseAddress!)
    })
}

/// `ResizeBilinear` and `ResizeNearestNeighbor`.
let resizeBilinearDefinition = resizeDefinition("ResizeBilinear", op: "resizeBilinear") {
    Resize.bilinear($0, shape: $1, size: $2, $3, into: $4)
}
let resizeNearestNeighborDefinition = resizeDefinition("ResizeNearestNeighbor", op: "resizeNearestNeighbor") {
    Resize.nearestNeighbor($0, shape: $1, size: $2, $3, into: $4)
}
