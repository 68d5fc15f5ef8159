import Foundation
@testable import TensorScopeTensorFlow

/// A plain V2-checkpoint writer for tests, written from the format's description apart from the
/// reader: LevelDB table blocks with prefix-compressed keys, a restart every `restartInterval`
/// entries, blocks cut at `blockBytes`, an index block and the 48-byte footer; float32 tensors
/// in one data shard. Hostile files are made by editing what it writes (`Parts`).
struct CheckpointWriter {
    var blockBytes = 4096
    var restartInterval = 16
    /// The header entry's shard count and endianness.
    var shards: Int32 = 1
    var bigEndian = false

    /// The pieces of one written checkpoint, editable before `write`.
    struct Parts {
        var index: [UInt8]
        var data: [UInt8]
    }

    /// `tensors` (key → shape, values) in key order, each entry's proto changed by `edit`.
    func parts(_ tensors: [(key: String, shape: [Int], values: [Float])],
               edit: (String, inout Tensorflow_BundleEntryProto) -> Void = { _, _ in }) throws -> Parts {
        var data: [UInt8] = []
        var entries: [(key: [UInt8], value: [UInt8])] = []
        let header = Tensorflow_BundleHeaderProto.with {
            $0.numShards = shards
            $0.endianness = bigEndian ? .big : .little
        }
        entries.append(([], try Array(header.serializedBytes() as [UInt8])))
        for tensor in tensors.sorted(by: { $0.key < $1.key }) {
            var bytes: [UInt8] = []
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            var proto = Tensorflow_BundleEntryProto.with {
                $0.dtype = .dtFloat
                $0.shape = .with { $0.dim = tensor.shape.map { size in .with { $0.size = Int64(size) } } }
                $0.offset = Int64(data.count)
                $0.size = Int64(bytes.count)
                $0.crc32C = Self.mask(Self.crc32c(bytes))
            }
            edit(tensor.key, &proto)
            data += bytes
            entries.append((Array(tensor.key.utf8), try Array(proto.serializedBytes() as [UInt8])))
        }
        return Parts(index: table(entries), data: data)
    }

    /// Writes `parts` as `<folder>/<name>.index` and its one data shard; returns the prefix.
    func write(_ parts: Parts, to folder: URL, name: String = "model.ckpt") throws -> String {
        let prefix = folder.appendingPathComponent(name).path
        try Data(parts.index).write(to: URL(fileURLWithPath: prefix + ".index"))
        try Data(parts.data).write(to: URL(fileURLWithPath: prefix + String(format: ".data-%05d-of-%05d", 0, Int(shards))))
        return prefix
    }

    // MARK: - The table

    func table(_ entries: [(key: [UInt8], value: [UInt8])]) -> [UInt8] {
        var file: [UInt8] = []
        var indexEntries: [(key: [UInt8], value: [UInt8])] = []
        var pending: [(key: [UInt8], value: [UInt8])] = []
        func flush() {
            guard let last = pending.last else { return }
            let handle = appendBlock(block(pending), to: &file)
            indexEntries.append((last.key, handle))
            pending = []
        }
        for entry in entries {
            pending.append(entry)
            if block(pending).count >= blockBytes { flush() }
        }
        flush()
        let metaindex = appendBlock(block([]), to: &file)
        let index = appendBlock(block(indexEntries), to: &file)
        var footer = metaindex + index
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        withUnsafeBytes(of: UInt64(0xdb47_7524_8b80_fb57).littleEndian) { footer += $0 }
        return file + footer
    }

    private func block(_ entries: [(key: [UInt8], value: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var restarts: [UInt32] = []
        var previous: [UInt8] = []
        for (i, entry) in entries.enumerated() {
            var shared = 0
            if i % restartInterval == 0 {
                restarts.append(UInt32(out.count))
            } else {
                while shared < min(previous.count, entry.key.count) && previous[shared] == entry.key[shared] { shared += 1 }
            }
            out += Self.varint(UInt64(shared)) + Self.varint(UInt64(entry.key.count - shared)) + Self.varint(UInt64(entry.value.count))
            out += entry.key[shared...] + entry.value
            previous = entry.key
        }
        if restarts.isEmpty { restarts = [0] }
        for restart in restarts { withUnsafeBytes(of: restart.littleEndian) { out += $0 } }
        withUnsafeBytes(of: UInt32(restarts.count).littleEndian) { out += $0 }
        return out
    }

    /// Appends `contents` with its trailer (type 0, masked CRC); returns its encoded handle.
    private func appendBlock(_ contents: [UInt8], to file: inout [UInt8]) -> [UInt8] {
        let handle = Self.varint(UInt64(file.count)) + Self.varint(UInt64(contents.count))
        file += contents + [0]
        withUnsafeBytes(of: Self.mask(Self.crc32c(contents + [0])).littleEndian) { file += $0 }
        return handle
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }

    /// Bitwise CRC-32C, no table: slow and obviously the polynomial.
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    static func mask(_ crc: UInt32) -> UInt32 { ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8 }
}
