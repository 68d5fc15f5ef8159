import TensorScopeKernels

/// A reader for the sorted string table that holds a V2 checkpoint's index (`prefix.index`):
/// LevelDB's table format as TensorFlow's `table::Table` writes it.
///
/// Layout: data blocks, a metaindex block, an index block, then a 48-byte footer — the
/// metaindex and index block handles (offset and size as varint64s), zero padding to 40 bytes,
/// and the magic number `0xdb4775248b80fb57`, little-endian. Each block is followed by a
/// 5-byte trailer: its compression type (0 = none; TensorFlow's checkpoint writer never
/// compresses) and the masked CRC-32C of the block and that type byte. Inside a block, entries
/// share key prefixes with the entry before (`shared`, `unshared`, `value length` as varint32s,
/// then the key's new bytes and the value), and an array of 32-bit restart offsets and their
/// count close it.
///
/// Every offset, size and length is checked against the bytes that are there before it is
/// used, so a hostile file costs no more memory than its own size and cannot read out of
/// bounds; keys must strictly increase, as a table writer guarantees.
struct SSTable {
    /// The table's entries in key order.
    private(set) var entries: [(key: [UInt8], value: [UInt8])] = []

    static let footerBytes = 48
    static let magic: UInt64 = 0xdb47_7524_8b80_fb57
    /// Block trailers: a type byte and a 32-bit checksum.
    static let trailerBytes = 5

    /// Parses `bytes`, a whole table; `name` (the file) opens every error message.
    init(_ bytes: [UInt8], name: String) throws {
        func fault(_ what: String) -> TensorScopeError {
            TensorScopeError(.invalidArgument, "\(name): not a TensorFlow checkpoint index: \(what)")
        }
        guard bytes.count >= Self.footerBytes else {
            throw fault("\(bytes.count) bytes, fewer than the \(Self.footerBytes)-byte table footer")
        }
        var magic: UInt64 = 0
        for i in 0..<8 { magic |= UInt64(bytes[bytes.count - 8 + i]) << (8 * UInt64(i)) }
        guard magic == Self.magic else {
            throw fault(String(format: "the footer's magic number is 0x%016llx, expected 0x%016llx", magic, Self.magic))
        }
        var footer = ByteReader(bytes, range: (bytes.count - Self.footerBytes)..<(bytes.count - 8), what: "footer", fault: fault)
        _ = try footer.blockHandle()  // the metaindex: TensorFlow writes it empty and reads nothing from it
        let indexHandle = try footer.blockHandle()
        let index = try Self.block(bytes, at: indexHandle, what: "index block", fault: fault)
        var previousKey: [UInt8]? = nil
        for handleEntry in try Self.entries(of: bytes, in: index, what: "index block", fault: fault) {
            var handleReader = ByteReader(handleEntry.value, range: 0..<handleEntry.value.count, what: "index entry", fault: fault)
            let handle = try handleReader.blockHandle()
            let range = try Self.block(bytes, at: handle, what: "data block at offset \(handle.offset)", fault: fault)
            for entry in try Self.entries(of: bytes, in: range, what: "data block at offset \(handle.offset)", fault: fault) {
                if let previousKey, !previousKey.lexicographicallyPrecedes(entry.key) {
                    throw fault("keys out of order at '\(String(decoding: entry.key, as: UTF8.self))'")
                }
                previousKey = entry.key
                entries.append(entry)
            }
        }
    }

    /// A block's byte range, after checking it lies inside the file, its trailer says
    /// "uncompressed" and its checksum matches.
    private static func block(
        _ bytes: [UInt8], at handle: (offset: UInt64, size: UInt64), what: String, fault: (String) -> TensorScopeError
    ) throws -> Range<Int> {
        let limit = UInt64(bytes.count - footerBytes)
        guard handle.offset <= limit, handle.size <= limit - handle.offset,
              UInt64(trailerBytes) <= limit - handle.offset - handle.size
        else {
            throw fault("\(what): \(handle.size) bytes at offset \(handle.offset) (plus a \(trailerBytes)-byte trailer) run past the table's \(limit) bytes")
        }
        let start = Int(handle.offset), end = start + Int(handle.size)
        let type = bytes[end]
        guard type == 0 else {
            throw fault("\(what) is compressed (type \(type), \(type == 1 ? "snappy" : "unknown")); TensorFlow writes checkpoint indexes uncompressed and TensorScope reads only those")
        }
        var stored: UInt32 = 0
        for i in 0..<4 { stored |= UInt32(bytes[end + 1 + i]) << (8 * UInt32(i)) }
        let actual = CRC32C.masked(CRC32C.checksum(bytes[start...end]))
        guard stored == actual else {
            throw fault(String(format: "\(what): checksum 0x%08x, expected 0x%08x (the file is damaged)", actual, stored))
        }
        return start..<end
    }

    /// The key–value entries of one block, keys rebuilt from their shared prefixes.
    private static func entries(
        of bytes: [UInt8], in range: Range<Int>, what: String, fault: @escaping (String) -> TensorScopeError
    ) throws -> [(key: [UInt8], value: [UInt8])] {
        guard range.count >= 4 else { throw fault("\(what): \(range.count) bytes, too short for its restart count") }
        var countReader = ByteReader(bytes, range: (range.upperBound - 4)..<range.upperBound, what: what, fault: fault)
        let restarts = try countReader.fixed32()
        guard UInt64(restarts) * 4 + 4 <= UInt64(range.count) else {
            throw fault("\(what): \(restarts) restart offsets do not fit in its \(range.count) bytes")
        }
        let end = range.upperBound - 4 - Int(restarts) * 4
        var reader = ByteReader(bytes, range: range.lowerBound..<end, what: what, fault: fault)
        var result: [(key: [UInt8], value: [UInt8])] = []
        var key: [UInt8] = []
        while !reader.isAtEnd {
            let shared = Int(try reader.varint32()), unshared = Int(try reader.varint32()), valueLength = Int(try reader.varint32())
            guard shared <= key.count else {
                throw fault("\(what): an entry shares \(shared) bytes with a previous key of \(key.count)")
            }
            key.removeSubrange(shared...)
            key.append(contentsOf: try reader.bytes(unshared))
            result.append((key, Array(try reader.bytes(valueLength))))
        }
        return result
    }
}

/// Bounds-checked little-endian and varint reads over a byte range.
struct ByteReader {
    private let bytes: [UInt8]
    private var position: Int
    private let end: Int
    private let what: String
    private let fault: (String) -> TensorScopeError

    init(_ bytes: [UInt8], range: Range<Int>, what: String, fault: @escaping (String) -> TensorScopeError) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.what = what
        self.fault = fault
    }

    var isAtEnd: Bool { position >= end }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count <= end - position else {
            throw fault("\(what): \(count) bytes claimed where \(end - position) remain")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func fixed32() throws -> UInt32 {
        let raw = try bytes(4)
        return raw.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A base-128 varint of at most `maxBytes` bytes whose value fits `bits` bits.
    mutating func varint(bits: Int) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw fault("\(what): a varint runs past the end") }
            let byte = bytes[position]
            position += 1
            let payload = UInt64(byte & 0x7F)
            guard shift < UInt64(bits), shift == 0 || payload >> (UInt64(bits) - shift) == 0 else {
                throw fault("\(what): a varint longer than \(bits) bits")
            }
            value |= payload << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func varint32() throws -> UInt32 { UInt32(try varint(bits: 32)) }

    /// A block handle: offset and size, each a varint64.
    mutating func blockHandle() throws -> (offset: UInt64, size: UInt64) {
        (try varint(bits: 64), try varint(bits: 64))
    }
}
