import TensorScopeGraph
import TensorScopeKernels
import Foundation

/// TFRecord framing, the container of TensorBoard event files: each record is its length as a
/// little-endian `UInt64`, the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C
/// of the data.
enum TFRecord {
    /// The framed bytes of `records`, one after another.
    static func encode(_ records: [Data]) -> Data {
        var out = Data()
        for record in records {
            let length = withUnsafeBytes(of: UInt64(record.count).littleEndian) { Data($0) }
            out.append(length)
            append(CRC32C.masked(CRC32C.checksum(length)), to: &out)
            out.append(record)
            append(CRC32C.masked(CRC32C.checksum(record)), to: &out)
        }
        return out
    }

    /// The records of framed `data`, every length and CRC checked.
    ///
    /// - Throws: `.io` naming the record and what is wrong (truncated, a CRC mismatch).
    static func decode(_ data: Data, source: String = "TFRecord") throws -> [Data] {
        let bytes = [UInt8](data)
        var records: [Data] = []
        var offset = 0
        while offset < bytes.count {
            let index = records.count
            func fault(_ what: String) -> TensorScopeError { TensorScopeError(.io, "\(source): record \(index): \(what)") }
            guard bytes.count - offset >= 12 else { throw fault("truncated length") }
            let lengthBytes = bytes[offset..<offset + 8]
            guard loadUInt32(bytes, offset + 8) == CRC32C.masked(CRC32C.checksum(lengthBytes)) else {
                throw fault("length CRC mismatch")
            }
            let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard length <= UInt64(bytes.count - offset - 12), bytes.count - offset - 12 - Int(length) >= 4 else {
                throw fault("truncated data (\(length) bytes announced)")
            }
            let start = offset + 12, end = start + Int(length)
            guard loadUInt32(bytes, end) == CRC32C.masked(CRC32C.checksum(bytes[start..<end])) else {
                throw fault("data CRC mismatch")
            }
            records.append(Data(bytes[start..<end]))
            offset = end + 4
        }
        return records
    }

    private static func append(_ value: UInt32, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    private static func loadUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }
}
