import TensorScopeKernels
import Foundation

/// The safetensors file format (huggingface/safetensors): an 8-byte little-endian header
/// length `n`, `n` bytes of JSON mapping each name to `{"dtype", "shape", "data_offsets"}`
/// (offsets relative to the byte buffer that follows), then the buffer. TensorScope writes `F32`
/// (or, asked, `F16`) tensors, little-endian, row-major, and reads both as float32.
///
/// Reading validates before it allocates: the header (at most `maxHeaderBytes`, parsed
/// strictly — `4.0` or `true` is not an integer), then the keys, dtypes, shapes and offsets
/// against the file's size and, for `read(_:expecting:)`, against what the caller expects;
/// only then are the tensors' byte ranges read, one by one.
public enum SafeTensors {
    /// Headers longer than this (16 MiB) are refused before they are parsed. A checkpoint's
    /// header takes about 100 bytes per tensor; the format's own ceiling is 100 MB.
    public static let maxHeaderBytes = 16 << 20

    /// One tensor's header entry, validated on its own.
    struct Entry {
        var name: String
        var shape: [Int]
        var count: Int
        var dtype: DType
        /// Byte range in the buffer.
        var begin: Int, end: Int
    }

    /// How tensors are stored in a file TensorScope writes.
    public enum DType: String, Sendable, CaseIterable {
        /// `F32`: IEEE single precision, as computed.
        case float32 = "F32"
        /// `F16`: IEEE half precision, rounded to nearest (half the size; about 3 significant
        /// digits, values beyond ±65504 become infinite). Read back as float32.
        case float16 = "F16"

        var byteCount: Int { self == .float32 ? 4 : 2 }
    }

    /// The file bytes for `tensors`, keys in sorted order, buffer packed without gaps: the
    /// header written once, each tensor's values copied in one piece.
    public static func encode(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], dtype: DType = .float32
    ) throws -> Data {
        let names = tensors.keys.sorted()
        for name in names { try tensors[name]!.requireValues("SafeTensors: '\(name)'") }
        let json = try header(names.map { ($0, tensors[$0]!.shape) }, metadata: metadata, dtype: dtype)
        let bufferBytes = names.reduce(0) { $0 + tensors[$1]!.scalarCount * dtype.byteCount }
        var data = Data(count: 8 + json.count + bufferBytes)
        data.withUnsafeMutableBytes { out in
            out.storeBytes(of: UInt64(json.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            json.withUnsafeBytes { out.baseAddress!.advanced(by: 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            var offset = 8 + json.count
            for name in names {
                tensors[name]!.withUnsafeBufferPointer { values in
                    store(values, as: dtype, to: out.baseAddress!.advanced(by: offset))
                    offset += values.count * dtype.byteCount
                }
            }
        }
        return data
    }

    /// Writes `tensors` as a safetensors file at `path`, atomically (`AtomicFile`: whole or not
    /// at all, an existing file's permissions kept): the header, then each tensor's values
    /// straight from its buffer, float32 in one piece, float16 converted a block at a time —
    /// no copy of the whole file in memory.
    ///
    /// - Throws: `.io` naming `path` when it cannot be written.
    public static func write(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], dtype: DType = .float32,
        to path: String, followingLinks: Bool = true
    ) throws {
        let names = tensors.keys.sorted()
        for name in names { try tensors[name]!.requireValues("SafeTensors: '\(name)'") }
        try write(names.map { ($0, tensors[$0]!.shape) }, metadata: metadata, dtype: dtype, to: path,
                  followingLinks: followingLinks, bypassingCache: false) { index, body in try tensors[names[index]]!.withUnsafeBufferPointer(body) }
    }

    /// Writes named float runs that already lie in memory (a slice of a batch, say), as
    /// `write(_:metadata:dtype:to:followingLinks:)` writes tensors: in the order given, each
    /// `values` of `shape.reduce(1, *)` floats; `bypassingCache` as `AtomicFile`'s.
    package static func write(
        _ slices: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)], metadata: [String: String] = [:],
        dtype: DType = .float32, to path: String, followingLinks: Bool = true, bypassingCache: Bool = false
    ) throws {
        for slice in slices where slice.values.count != slice.shape.reduce(1, *) {
            throw TensorScopeError(.invalidArgument, "\(path): '\(slice.name)' has \(slice.values.count) values for shape \(slice.shape)")
        }
        try write(slices.map { ($0.name, $0.shape) }, metadata: metadata, dtype: dtype, to: path,
                  followingLinks: followingLinks, bypassingCache: bypassingCache) { index, body in try body(slices[index].values) }
    }

    /// The header, then the floats of each entry, in order, as `values(index, body)` lends them.
    private static func write(
        _ entries: [(String, [Int])], metadata: [String: String], dtype: DType, to path: String, followingLinks: Bool,
        bypassingCache: Bool, values: (Int, (UnsafeBufferPointer<Float>) throws -> Void) throws -> Void
    ) throws {
        let json = try header(entries, metadata: metadata, dtype: dtype)
        try AtomicFile.write(to: path, followingLinks: followingLinks, bypassingCache: bypassingCache) { sink in
            var length = UInt64(json.count).littleEndian
            try withUnsafeBytes(of: &length) { try sink.write($0) }
            try json.withUnsafeBytes { try sink.write($0) }
            for index in entries.indices {
                try values(index) { floats in
                    #if _endian(little)
                    if dtype == .float32 { return try sink.write(UnsafeRawBufferPointer(floats)) }
                    #endif
                    try writeConverted(floats, as: dtype, to: sink)
                }
            }
        }
    }

    /// `floats` converted to `dtype` 16,384 at a time into a scratch block, then written.
    private static func writeConverted(_ floats: UnsafeBufferPointer<Float>, as dtype: DType, to sink: AtomicFile.Sink) throws {
        let block = 16_384
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: block * 4, alignment: 16)
        defer { scratch.deallocate() }
        for start in stride(from: 0, to: floats.count, by: block) {
            let part = UnsafeBufferPointer(rebasing: floats[start..<min(start + block, floats.count)])
            store(part, as: dtype, to: scratch)
            try sink.write(UnsafeRawBufferPointer(start: scratch, count: part.count * dtype.byteCount))
        }
    }

    /// The JSON header for tensors of these names and shapes, in this order, buffer packed
    /// without gaps, padded with spaces so the buffer starts 8-byte aligned (as the reference
    /// writer does).
    private static func header(_ shapes: [(String, [Int])], metadata: [String: String], dtype: DType) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, shape) in shapes {
            let bytes = shape.reduce(1, *) * dtype.byteCount
            header[name] = ["dtype": dtype.rawValue, "shape": shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        return json
    }

    /// Writes `values` little-endian as `dtype` at `destination`.
    private static func store(_ values: UnsafeBufferPointer<Float>, as dtype: DType, to destination: UnsafeMutableRawPointer) {
        guard !values.isEmpty else { return }
        switch dtype {
        case .float32:
            #if _endian(little)
            destination.copyMemory(from: values.baseAddress!, byteCount: values.count * 4)
            #else
            for (i, value) in values.enumerated() {
                destination.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
            #endif
        case .float16:
            let halves = destination.bindMemory(to: UInt16.self, capacity: values.count)
            for i in values.indices { halves[i] = Float16(values[i]).bitPattern.littleEndian }
        }
    }

    /// The tensors in a safetensors file's bytes.
    ///
    /// - Throws: `.io` for a truncated file, a header that is not the format's JSON, a dtype
    ///   other than `F32`, offsets that disagree with a shape or leave holes; each message names
    ///   the key or the fault.
    public static func decode(_ data: Data, source: String = "safetensors") throws -> [String: Tensor] {
        let source = Source(name: source) { range, destination in
            data.withUnsafeBytes { bytes in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[range]))
            }
        }
        let (entries, bufferStart) = try header(source, fileSize: data.count)
        try checkLayout(entries, bufferBytes: data.count - bufferStart, source: source.name)
        return try load(entries, bufferStart: bufferStart, from: source)
    }

    /// Reads a safetensors file, validating its header before reading any tensor.
    public static func read(_ path: String) throws -> [String: Tensor] {
        try withFile(path) { source, size in
            let (entries, bufferStart) = try header(source, fileSize: size)
            try checkLayout(entries, bufferBytes: size - bufferStart, source: path)
            return try load(entries, bufferStart: bufferStart, from: source)
        }
    }

    /// Reads a safetensors file that must hold exactly the tensors `expected` names, with those
    /// shapes. Everything is checked against the header before any tensor is read: every
    /// missing and every unexpected key is reported at once (`missing key 'a'; unexpected key
    /// 'b'`), then dtypes, shapes and offsets.
    public static func read(_ path: String, expecting expected: [String: [Int]]) throws -> [String: Tensor] {
        try withFile(path) { source, size in
            let (entries, bufferStart) = try header(source, fileSize: size)
            let present = Set(entries.map(\.name))
            let problems = expected.keys.sorted().filter { !present.contains($0) }.map { "missing key '\($0)'" }
                + entries.map(\.name).sorted().filter { expected[$0] == nil }.map { "unexpected key '\($0)'" }
            guard problems.isEmpty else { throw TensorScopeError(.io, "\(path): " + problems.joined(separator: "; ")) }
            for entry in entries.sorted(by: { $0.name < $1.name }) where entry.shape != expected[entry.name]! {
                throw TensorScopeError(.io, "\(path): key '\(entry.name)': expected shape \(expected[entry.name]!), got \(entry.shape)")
            }
            try checkLayout(entries, bufferBytes: size - bufferStart, source: path)
            return try load(entries, bufferStart: bufferStart, from: source)
        }
    }

    /// Byte ranges of a file or of bytes in memory, read on demand straight into the buffer
    /// that keeps them (`readInto` fills exactly `destination.count` bytes or throws).
    struct Source {
        var name: String
        var readInto: (Range<Int>, UnsafeMutableRawBufferPointer) throws -> Void

        /// A small range as bytes (the header).
        func read(_ range: Range<Int>) throws -> [UInt8] {
            try [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
                try readInto(range, UnsafeMutableRawBufferPointer(buffer))
                initialized = range.count
            }
        }
    }

    private static func withFile<R>(_ path: String, _ body: (Source, Int) throws -> R) throws -> R {
        let (handle, size): (FileHandle, Int)
        switch RegularFile.open(path) {
        case .success(let opened): (handle, size) = opened
        case .failure(let problem): throw TensorScopeError(.io, "\(path): \(problem)")
        }
        defer { try? handle.close() }
        let source = Source(name: path) { range, destination in
            try RegularFile.read(handle, at: range.lowerBound, into: destination, path: path)
        }
        return try body(source, size)
    }

    /// Parses and validates the header: each entry on its own, and against the file size.
    private static func header(_ source: Source, fileSize: Int) throws -> (entries: [Entry], bufferStart: Int) {
        func fault(_ what: String) -> TensorScopeError { TensorScopeError(.io, "\(source.name): \(what)") }
        guard fileSize >= 8 else { throw fault("truncated: \(fileSize) bytes, expected an 8-byte header length") }
        let lengthBytes = try source.read(0..<8)
        let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(maxHeaderBytes) else {
            throw fault("bad header: \(length) bytes, more than the \(maxHeaderBytes) TensorScope reads")
        }
        guard Int(length) <= fileSize - 8 else {
            throw fault("truncated: header of \(length) bytes, but only \(fileSize - 8) follow")
        }
        let json: StrictJSON
        do { json = try StrictJSON.parse(try source.read(8..<8 + Int(length))) } catch let error as StrictJSON.ParseError {
            throw fault("bad header: not valid JSON (\(error))")
        }
        guard case .object(let members) = json else { throw fault("bad header: not a JSON object") }
        var entries: [Entry] = []
        for (name, value) in members where name != "__metadata__" {
            entries.append(try entry(name, value, fault: fault))
        }
        return (entries, 8 + Int(length))
    }

    private static func entry(_ name: String, _ value: StrictJSON, fault: (String) -> TensorScopeError) throws -> Entry {
        guard case .object(let fields) = value else { throw fault("bad header: key '\(name)' is not an object") }
        let field = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard case .string(let dtype)? = field["dtype"], case .array(let shapeItems)? = field["shape"],
              case .array(let offsetItems)? = field["data_offsets"] else {
            throw fault("bad header: key '\(name)' lacks dtype, shape or data_offsets")
        }
        func integers(_ items: [StrictJSON], _ what: String) throws -> [Int] {
            try items.map { item in
                guard case .integer(let v) = item, v >= 0 else {
                    throw fault("bad header: key '\(name)': \(what) must be non-negative integers")
                }
                return v
            }
        }
        let shape = try integers(shapeItems, "shape")
        let offsets = try integers(offsetItems, "data_offsets")
        guard offsets.count == 2 else { throw fault("bad header: key '\(name)': data_offsets must be two integers") }
        guard let stored = DType(rawValue: dtype) else {
            throw fault("key '\(name)': expected dtype F32 or F16, got \(dtype)")
        }
        let count: Int
        do { count = try Shapes.elementCount(of: shape, op: "safetensors") } catch {
            throw fault("key '\(name)': bad shape \(shape)")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw fault("key '\(name)': bad data_offsets \(offsets)") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: stored.byteCount)
        guard !overflow, end - begin == bytes else {
            throw fault("key '\(name)': shape \(shape) holds \(count) \(stored.rawValue) values, data_offsets give \(end - begin) bytes")
        }
        return Entry(name: name, shape: shape, count: count, dtype: stored, begin: begin, end: end)
    }

    /// The entries cover the buffer exactly: in bounds, no holes, no overlaps.
    private static func checkLayout(_ entries: [Entry], bufferBytes: Int, source: String) throws {
        func fault(_ what: String) -> TensorScopeError { TensorScopeError(.io, "\(source): \(what)") }
        var covered = 0
        for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard entry.end <= bufferBytes else {
                throw fault("truncated: key '\(entry.name)' needs bytes \(entry.begin)..<\(entry.end), the buffer has \(bufferBytes)")
            }
            guard entry.begin == covered else {
                throw fault("bad header: key '\(entry.name)' starts at \(entry.begin), expected \(covered) (holes or overlaps)")
            }
            covered = entry.end
        }
        guard covered == bufferBytes else {
            throw fault("bad header: tensors cover \(covered) bytes of a \(bufferBytes)-byte buffer")
        }
    }

    /// Reads each entry's byte range into a tensor: float32 straight into the tensor's storage,
    /// float16 through a buffer of halves.
    private static func load(_ entries: [Entry], bufferStart: Int, from source: Source) throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let range = (bufferStart + entry.begin)..<(bufferStart + entry.end)
            let scalars = try [Float](unsafeUninitializedCapacity: entry.count) { buffer, initialized in
                guard entry.count > 0 else { return }
                switch entry.dtype {
                case .float32:
                    try source.readInto(range, UnsafeMutableRawBufferPointer(buffer))
                    #if !_endian(little)
                    for i in 0..<entry.count { buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern)) }
                    #endif
                case .float16:
                    let halves = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: entry.count)
                    defer { halves.deallocate() }
                    try source.readInto(range, UnsafeMutableRawBufferPointer(halves))
                    for i in 0..<entry.count { buffer[i] = Float(Float16(bitPattern: UInt16(littleEndian: halves[i]))) }
                }
                initialized = entry.count
            }
            tensors[entry.name] = Tensor(uncheckedShape: entry.shape, scalars: scalars)
        }
        return tensors
    }
}
