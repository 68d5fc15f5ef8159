import Foundation

/// The safetensors file format (huggingface/safetensors): an 8-byte little-endian header
/// length `n`, `n` bytes of JSON mapping each name to `{"dtype", "shape", "data_offsets"}`
/// (offsets relative to the byte buffer that follows), then the buffer. TensorScope writes and
/// reads `F32` tensors, little-endian, row-major.
public enum SafeTensors {
    /// Headers larger than this are refused as corrupt (the format's own limit is 100 MB).
    static let maxHeaderBytes = 100_000_000

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
            for value in tensors[name]!.scalars {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
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
        func fault(_ what: String) -> TensorScopeError { TensorScopeError(.io, "\(source): \(what)") }
        guard data.count >= 8 else { throw fault("truncated: \(data.count) bytes, expected an 8-byte header length") }
        let length = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length <= UInt64(maxHeaderBytes) else { throw fault("bad header: length \(length) bytes is implausible") }
        guard Int(length) <= data.count - 8 else {
            throw fault("truncated: header of \(length) bytes, but only \(data.count - 8) follow")
        }
        let headerData = data.subdata(in: data.startIndex + 8 ..< data.startIndex + 8 + Int(length))
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw fault("bad header: not a JSON object")
        }
        let buffer = data.subdata(in: data.startIndex + 8 + Int(length) ..< data.endIndex)
        var tensors: [String: Tensor] = [:]
        var ranges: [(Int, Int, String)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw fault("bad header: key '\(name)' lacks dtype, shape or data_offsets") }
            guard dtype == "F32" else { throw fault("key '\(name)': expected dtype F32, got \(dtype)") }
            let count: Int
            do { count = try Tensor.elementCount(of: shape, op: "safetensors") } catch {
                throw fault("key '\(name)': bad shape \(shape)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end else { throw fault("key '\(name)': bad data_offsets \(offsets)") }
            guard end <= buffer.count else {
                throw fault("truncated: key '\(name)' needs bytes \(begin)..<\(end), the buffer has \(buffer.count)")
            }
            guard count <= buffer.count / 4, end - begin == count * 4 else {
                throw fault("key '\(name)': shape \(shape) holds \(count) floats, data_offsets give \(end - begin) bytes")
            }
            let scalars = buffer.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: begin + 4 * $0, as: UInt32.self))) }
            }
            tensors[name] = try Tensor(shape: shape, scalars: scalars)
            ranges.append((begin, end, name))
        }
        var covered = 0
        for (begin, end, name) in ranges.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            guard begin == covered else { throw fault("bad header: key '\(name)' starts at \(begin), expected \(covered) (holes or overlaps)") }
            covered = end
        }
        guard covered == buffer.count else {
            throw fault("bad header: tensors cover \(covered) bytes of a \(buffer.count)-byte buffer")
        }
        return tensors
    }

    /// Reads a safetensors file.
    public static func read(_ path: String) throws -> [String: Tensor] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TensorScopeError(.io, "\(path): unreadable (\(error.localizedDescription))")
        }
        return try decode(data, source: path)
    }

    /// Reads a safetensors file that must hold exactly the tensors `expected` names, with those
    /// shapes: a missing key, an extra key or another shape is an error naming the key.
    public static func read(_ path: String, expecting expected: [String: [Int]]) throws -> [String: Tensor] {
        let tensors = try read(path)
        for name in expected.keys.sorted() where tensors[name] == nil {
            throw TensorScopeError(.io, "\(path): missing key '\(name)'")
        }
        for name in tensors.keys.sorted() where expected[name] == nil {
            throw TensorScopeError(.io, "\(path): unexpected key '\(name)'")
        }
        for name in expected.keys.sorted() where tensors[name]!.shape != expected[name]! {
            throw TensorScopeError(.io, "\(path): key '\(name)': expected shape \(expected[name]!), got \(tensors[name]!.shape)")
        }
        return tensors
    }
}
