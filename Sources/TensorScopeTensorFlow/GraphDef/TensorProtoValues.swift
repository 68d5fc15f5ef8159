import TensorScopeGraph
import TensorScopeKernels

/// The values of a `Const` node's `TensorProto`: floats for the floating-point dtypes
/// (converted to float32), whole numbers for int32 and int64.
///
/// Values come from `tensor_content` (little-endian bytes, exactly the shape's count) or from
/// the typed field, where TensorFlow lets a shorter list stand for the whole tensor by
/// repeating its last value (none: zeros). Such a fill is capped at `maxFilledElements`, so a
/// few bytes cannot ask for gigabytes.
struct TensorProtoValues {
    var shape: [Int]
    /// The dtype's name (`float32`, `int32`).
    var dtype: String
    var floats: [Float]?
    var integers: [Int]?

    /// Fills from a shorter list may reach this many elements (64 Mi, 256 MiB of float32).
    static let maxFilledElements = 1 << 26

    /// - Parameter source: what the tensor is, opening every error (`"model.pb: node 'w'"`).
    init(_ proto: Tensorflow_TensorProto, source: String) throws {
        func fault(_ what: String) -> TensorScopeError { TensorScopeError(.invalidArgument, "\(source): \(what)") }
        shape = try TensorFlowDType.shape(proto.tensorShape, fault: fault)
        dtype = TensorFlowDType.name(proto.dtype)
        let count = shape.reduce(1, *)
        if !proto.tensorContent.isEmpty {
            guard let width = TensorFlowDType.byteWidth[dtype],
                  case let (byteCount, overflow) = count.multipliedReportingOverflow(by: width), !overflow,
                  proto.tensorContent.count == byteCount
            else {
                throw fault("\(proto.tensorContent.count) bytes of content for \(dtype) of shape \(shape)")
            }
            let bytes = [UInt8](proto.tensorContent)
            switch dtype {
            case "int32": integers = Self.words(bytes, as: Int32.self)
            case "int64": integers = Self.words(bytes, as: Int64.self)
            default: floats = try TensorFlowDType.float32(bytes, dtype: dtype) { source }
            }
            return
        }
        switch dtype {
        case "float32": floats = try Self.filled(proto.floatVal, count: count, fault: fault)
        case "float64": floats = try Self.filled(proto.doubleVal.map { Float($0) }, count: count, fault: fault)
        case "float16", "bfloat16":
            // half_val holds each value's 16 bits in an int32.
            let bfloat16 = dtype == "bfloat16"
            floats = try Self.filled(proto.halfVal.map { TensorFlowDType.widened(UInt16(truncatingIfNeeded: $0), bfloat16: bfloat16) },
                                     count: count, fault: fault)
        case "int32": integers = try Self.filled(proto.intVal.map(Int.init), count: count, fault: fault)
        case "int64": integers = try Self.filled(proto.int64Val.map(Int.init), count: count, fault: fault)
        default: throw fault("a constant of \(dtype); TensorScope takes float32, float16, bfloat16, float64, int32 and int64 constants")
        }
    }

    /// `values`, or their last repeated to `count` (zeros when empty), as TensorFlow reads them.
    private static func filled<T: Numeric>(_ values: [T], count: Int, fault: (String) -> TensorScopeError) throws -> [T] {
        if values.count == count { return values }
        guard values.count < count else { throw fault("\(values.count) values for \(count) elements") }
        guard count <= maxFilledElements else {
            throw fault("\(count) elements filled from \(values.count) values, more than the \(maxFilledElements) TensorScope fills")
        }
        return values + Array(repeating: values.last ?? 0, count: count - values.count)
    }

    private static func words<T: FixedWidthInteger>(_ bytes: [UInt8], as _: T.Type) -> [Int] {
        let width = MemoryLayout<T>.size
        return bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / width)).map { Int(T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * width, as: T.self))) }
        }
    }
}
