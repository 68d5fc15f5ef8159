import TensorScopeKernels

/// TensorFlow's `DataType`s as TensorScope meets them in checkpoints and graphs: their Python
/// names, their widths, and the conversion of the floating-point ones to float32.
enum TensorFlowDType {
    /// `tf.DType.name` for a `DataType`; values this file does not know as `DT_<number>`.
    static func name(_ type: Tensorflow_DataType) -> String {
        switch type {
        case .dtFloat: "float32"
        case .dtDouble: "float64"
        case .dtHalf: "float16"
        case .dtBfloat16: "bfloat16"
        case .dtInt8: "int8"
        case .dtUint8: "uint8"
        case .dtInt16: "int16"
        case .dtUint16: "uint16"
        case .dtInt32: "int32"
        case .dtUint32: "uint32"
        case .dtInt64: "int64"
        case .dtUint64: "uint64"
        case .dtBool: "bool"
        case .dtString: "string"
        case .dtComplex64: "complex64"
        case .dtComplex128: "complex128"
        case .dtResource: "resource"
        case .dtVariant: "variant"
        case .dtQint8: "qint8"
        case .dtQuint8: "quint8"
        case .dtQint16: "qint16"
        case .dtQuint16: "quint16"
        case .dtQint32: "qint32"
        case .dtInvalid: "invalid"
        case .UNRECOGNIZED(let value): "DT_\(value)"
        }
    }

    /// At most this many dimensions (TensorFlow's own limit is 254).
    static let maxRank = 254

    /// A stored tensor's shape: every dimension known and at least 0, at most `maxRank` of
    /// them, their product an `Int`. `fault` makes the error from what is wrong.
    static func shape(_ proto: Tensorflow_TensorShapeProto, fault: (String) -> TensorScopeError) throws -> [Int] {
        guard !proto.unknownRank, proto.dim.count <= maxRank else {
            throw fault("shape of unknown rank or more than \(maxRank) dimensions")
        }
        var count = 1
        var shape: [Int] = []
        for dim in proto.dim {
            guard dim.size >= 0 else { throw fault("dimension \(dim.size) in its shape") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim.size))
            guard !overflow else { throw fault("shape \(proto.dim.map(\.size)) has more elements than Int.max") }
            count = product
            shape.append(Int(dim.size))
        }
        return shape
    }

    /// `DataType`'s own spelling (`DT_FLOAT`), as `NodeDef` attributes carry it.
    static func enumName(_ type: Tensorflow_DataType) -> String {
        switch type {
        case .dtFloat: "DT_FLOAT"
        case .dtDouble: "DT_DOUBLE"
        case .dtHalf: "DT_HALF"
        case .dtBfloat16: "DT_BFLOAT16"
        case .dtInt32: "DT_INT32"
        case .dtInt64: "DT_INT64"
        case .dtBool: "DT_BOOL"
        case .dtString: "DT_STRING"
        case .dtResource: "DT_RESOURCE"
        case .UNRECOGNIZED(let value): "DT_\(value)"
        default: "DT_" + name(type).uppercased()
        }
    }

    /// Bytes per element of the fixed-width dtypes, by name.
    static let byteWidth: [String: Int] = [
        "float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2,
        "int32": 4, "uint32": 4, "int64": 8, "uint64": 8, "bool": 1, "complex64": 8, "complex128": 16,
    ]

    /// Little-endian `bytes` of a float32, float16, bfloat16 or float64 tensor as float32.
    /// float16 and bfloat16 widen exactly; float64 rounds to nearest, and a finite value beyond
    /// float32's range is an error rather than a silent infinity.
    ///
    /// - Parameters:
    ///   - bytes: the tensor's bytes; their count is a multiple of the dtype's width.
    ///   - dtype: the dtype's name, as `name(_:)` gives it.
    ///   - source: what the values are, for error messages (`"model.ckpt: key 'w'"`).
    static func float32(_ bytes: [UInt8], dtype: String, source: () -> String) throws -> [Float] {
        switch dtype {
        case "float32":
            return converted(bytes, as: UInt32.self) { Float(bitPattern: $0) }
        case "float16", "bfloat16":
            let bfloat16 = dtype == "bfloat16"
            return converted(bytes, as: UInt16.self) { widened($0, bfloat16: bfloat16) }
        case "float64":
            return try float64(bytes, source: source)
        default:
            throw TensorScopeError(.invalidArgument, "\(source()): \(dtype) values, expected float32, float16, bfloat16 or float64")
        }
    }

    /// A 16-bit float's bits as float32, exactly: IEEE half precision, or bfloat16 (the upper
    /// half of a float32).
    static func widened(_ bits: UInt16, bfloat16: Bool) -> Float {
        bfloat16 ? Float(bitPattern: UInt32(bits) << 16) : Float(Float16(bitPattern: bits))
    }

    /// Each little-endian `Word` of `bytes` (read unaligned) through `convert`.
    private static func converted<Word: FixedWidthInteger>(
        _ bytes: [UInt8], as _: Word.Type, _ convert: (Word) -> Float
    ) -> [Float] {
        let count = bytes.count / MemoryLayout<Word>.size
        return bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for i in 0..<count {
                    out[i] = convert(Word(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Word>.size, as: Word.self)))
                }
                initialized = count
            }
        }
    }

    private static func float64(_ bytes: [UInt8], source: () -> String) throws -> [Float] {
        let count = bytes.count / 8
        var result = [Float](repeating: 0, count: count)
        for index in 0..<count {
            let value = Double(bitPattern: UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) }))
            let narrowed = Float(value)
            if value.isFinite && !narrowed.isFinite {
                throw TensorScopeError(.invalidArgument, "\(source()): float64 value \(value) at index \(index) is beyond float32's range")
            }
            result[index] = narrowed
        }
        return result
    }
}
