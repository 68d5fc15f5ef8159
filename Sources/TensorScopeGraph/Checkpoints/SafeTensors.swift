import TensorScopeKernels
import Foundation

/// The safetensors file format (huggingface/safetensors): an 8-byte little-endian header
/// length `n`, `n` bytes of JSON mapping each name to `{"dtype", "shape", "data_offsets"}`
/// (offsets relative to the byte buffer that follows), then the buffer. TensorScope writes and
/// reads `F32` tensors, little-endian, row-major.
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
        /// Byte range in the buffer.
        var begin: Int, end: Int
    }

    /// The file bytes for `tensors`, keys in sorted order, buffer packed without gaps.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let bytes = tensors[name]!.scalarCount * 4
            header[name] = ["dtype": "F32", "shape": tensors[name]!.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the buffer starts 8-byte aligned, as the reference writer does.
        json.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var data = Data()
        data.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { values in
                for value in values {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
            }
        }
        return data
    }

    /// The tensors in a safetensors file's bytes.
    ///
    /// - Throws: `.io` for a truncated file, a header that is not the format's JSON, a dtype
    ///   other than `F32`, offsets that disagree with a shape or leave holes; each message names
    ///   the key or the fault.
    public static func decode(_ data: Data, source: String = "safetensors") throws -> [String: Tensor] {
        let bytes = [UInt8](data)
        let source = Source(name: source) { range in Array(bytes[range]) }
        let (entries, bufferStart) = try header(source, fileSize: bytes.count)
        try checkLayout(entries, bufferBytes: bytes.count - bufferStart, source: source.name)
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

    /// Byte ranges of a file or of bytes in memory, read on demand.
    struct Source {
        var name: String
        var read: (Range<Int>) throws -> [UInt8]
    }

    private static func withFile<R>(_ path: String, _ body: (Source, Int) throws -> R) throws -> R {
        let (handle, size): (FileHandle, Int)
        switch RegularFile.open(path) {
        case .success(let opened): (handle, size) = opened
        case .failure(let problem): throw TensorScopeError(.io, "\(path): \(problem)")
        }
        defer { try? handle.close() }
        let source = Source(name: path) { range in
            do {
                try handle.seek(toOffset: UInt64(range.lowerBound))
                let data = try handle.read(upToCount: range.count) ?? Data()
                guard data.count == range.count else {
                    throw TensorScopeError(.io, "\(path): truncated: expected \(range.count) bytes at \(range.lowerBound), got \(data.count)")
                }
                return [UInt8](data)
            } catch let error as TensorScopeError {
                throw error
            } catch {
                throw TensorScopeError(.io, "\(path): unreadable (\(error.localizedDescription))")
            }
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
        guard dtype == "F32" else { throw fault("key '\(name)': expected dtype F32, got \(dtype)") }
        let count: Int
        do { count = try Shapes.elementCount(of: shape, op: "safetensors") } catch {
            throw fault("key '\(name)': bad shape \(shape)")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw fault("key '\(name)': bad data_offsets \(offsets)") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: 4)
        guard !overflow, end - begin == bytes else {
            throw fault("key '\(name)': shape \(shape) holds \(count) floats, data_offsets give \(end - begin) bytes")
        }
        return Entry(name: name, shape: shape, count: count, begin: begin, end: end)
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

    /// Reads each entry's byte range into a tensor.
    private static func load(_ entries: [Entry], bufferStart: Int, from source: Source) throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let raw = entry.count == 0 ? [] : try source.read((bufferStart + entry.begin)..<(bufferStart + entry.end))
            let scalars = raw.withUnsafeBytes { bytes in
                (0..<entry.count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            tensors[entry.name] = Tensor(uncheckedShape: entry.shape, scalars: scalars)
        }
        return tensors
    }
}
