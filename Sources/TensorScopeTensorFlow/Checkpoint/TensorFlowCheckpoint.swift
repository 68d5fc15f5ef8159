import Foundation
import SwiftProtobuf
import TensorScopeGraph
import TensorScopeKernels

/// A TensorFlow V2 checkpoint, as `tf.compat.v1.train.Saver` and `tf.train.Checkpoint` write
/// it: `prefix.index`, a sorted string table mapping each tensor's key to a `BundleEntryProto`
/// (dtype, shape, shard, offset, size, masked CRC-32C), and the tensors' bytes in
/// `prefix.data-00000-of-0000N` shards. What `tf.train.load_checkpoint(prefix)` reads.
///
/// Opening reads and checks the whole index — the table's checksums and layout, every entry
/// against its dtype's size and its shard's length — and reads no tensor. `tensor(_:)` then
/// reads one tensor's bytes, verifies their checksum and converts them to float32. Every
/// size is checked against the files' real lengths before anything is allocated for it, so a
/// damaged or hostile checkpoint is an error naming the file and the key, never a crash or an
/// absurd allocation.
///
/// ```swift
/// let checkpoint = try TensorFlowCheckpoint(prefix: "train/model.ckpt-1000")
/// for entry in checkpoint.entries { print(entry.key, entry.shape, entry.dtype) }
/// let kernel = try checkpoint.tensor("conv1/weights")
/// ```
public struct TensorFlowCheckpoint: Sendable {
    /// One tensor of the checkpoint.
    public struct Entry: Sendable, Equatable {
        /// The key: a variable's name for `Saver` checkpoints (`conv1/weights`), an object path
        /// for `tf.train.Checkpoint` ones (`model/conv/kernel/.ATTRIBUTES/VARIABLE_VALUE`).
        public let key: String
        /// The stored shape (`[]` for a scalar).
        public let shape: [Int]
        /// TensorFlow's name of the stored type, as `tf.DType.name` spells it: `float32`,
        /// `float16`, `bfloat16`, `float64`, `int64`, `string`, …
        public let dtype: String

        /// Whether `tensor(_:)` can read it: float32, and float16, bfloat16 and float64
        /// converted to float32.
        public var isFloatingPoint: Bool { Self.floatingPoint.contains(dtype) }

        static let floatingPoint: Set<String> = ["float32", "float16", "bfloat16", "float64"]
    }

    /// Where a run of bytes is.
    struct Location: Sendable {
        var shard: Int
        var offset: Int
        var size: Int
        var maskedCRC: UInt32
    }

    /// How a tensor is stored: in one piece, or in slices, each its own entry (a partitioned
    /// variable, or a tensor split across shards by a shard-size policy).
    enum Storage: Sendable {
        case whole(Location)
        case slices([(extents: [Range<Int>], location: Location)])
    }

    /// The prefix as given (`model.ckpt`, without `.index`).
    public let prefix: String
    /// Every tensor, sorted by key.
    public let entries: [Entry]
    /// Each key's position in `entries` and where its bytes are.
    private let lookup: [String: (index: Int, storage: Storage)]
    private let shardPaths: [String]

    /// Index files larger than this (256 MiB) are refused before they are read. An index
    /// holds about 50 bytes per tensor.
    public static let maxIndexBytes = 256 << 20

    /// Opens the checkpoint whose files start with `prefix` (`dir/model.ckpt` for
    /// `dir/model.ckpt.index` and `dir/model.ckpt.data-00000-of-00001`).
    ///
    /// - Throws: `.io` naming the file when the index or a shard is missing or unreadable;
    ///   `.invalidArgument` naming the file and the fault when the index is not a V2
    ///   checkpoint index (bad magic number, checksum, block layout, varint or protobuf), is
    ///   big-endian, or holds an entry whose size, shard or offset does not fit.
    public init(prefix: String) throws {
        self.prefix = prefix
        let indexPath = prefix + ".index"
        let indexBytes = try Self.readIndex(indexPath)
        let table = try SSTable(indexBytes, name: indexPath)
        func fault(_ what: String) -> TensorScopeError {
            TensorScopeError(.invalidArgument, "\(indexPath): \(what)")
        }
        guard let first = table.entries.first, first.key.isEmpty else {
            throw fault("no header entry (the empty key), so not a V2 checkpoint index")
        }
        let header: Tensorflow_BundleHeaderProto
        do { header = try Tensorflow_BundleHeaderProto(serializedBytes: first.value) } catch {
            throw fault("the header entry is not a BundleHeaderProto (\(error))")
        }
        guard header.endianness == .little else { throw fault("written big-endian; TensorScope reads little-endian checkpoints") }
        guard (1...99_999).contains(header.numShards) else {
            throw fault("the header declares \(header.numShards) data shards, expected 1 to 99999")
        }
        let shardCount = Int(header.numShards)
        shardPaths = (0..<shardCount).map { String(format: "%@.data-%05d-of-%05d", prefix, $0, shardCount) }
        var shardSizes: [Int?] = Array(repeating: nil, count: shardCount)
        var entries: [Entry] = []
        var lookup: [String: (index: Int, storage: Storage)] = [:]
        var slices: [[UInt8]: (entry: Entry, location: Location)] = [:]
        var sliced: [(index: Int, extents: [[(start: Int64, length: Int64?)]])] = []
        for raw in table.entries.dropFirst() {
            // Slices' keys start with a zero byte (TensorSliceKey); a reader shows only tensors.
            let isSlice = raw.key.first == 0
            let key = isSlice ? "slice of " + String(decoding: raw.key.dropFirst().prefix { $0 != 0 }, as: UTF8.self)
                : String(decoding: raw.key, as: UTF8.self)
            let proto: Tensorflow_BundleEntryProto
            do { proto = try Tensorflow_BundleEntryProto(serializedBytes: raw.value) } catch {
                throw fault("key '\(key)': its entry is not a BundleEntryProto (\(error))")
            }
            let shape = try TensorFlowDType.shape(proto.shape) { fault("key '\(key)': " + $0) }
            let dtype = TensorFlowDType.name(proto.dtype)
            guard (0..<shardCount).contains(Int(proto.shardID)) else {
                throw fault("key '\(key)': shard \(proto.shardID), but the checkpoint has \(shardCount)")
            }
            guard proto.offset >= 0, proto.size >= 0 else {
                throw fault("key '\(key)': negative offset \(proto.offset) or size \(proto.size)")
            }
            if let width = TensorFlowDType.byteWidth[dtype], proto.slices.isEmpty {
                let count = shape.reduce(1, *)  // bounded by shape(_:key:fault:)
                let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
                guard !overflow, Int64(bytes) == proto.size else {
                    throw fault("key '\(key)': \(proto.size) bytes stored for \(dtype) of shape \(shape), expected \(overflow ? "more than Int.max" : String(bytes))")
                }
            }
            let shard = Int(proto.shardID)
            if shardSizes[shard] == nil { shardSizes[shard] = try Self.fileSize(shardPaths[shard]) }
            guard proto.offset <= Int64(shardSizes[shard]!), proto.size <= Int64(shardSizes[shard]!) - proto.offset else {
                throw TensorScopeError(
                    .invalidArgument,
                    "\(shardPaths[shard]): key '\(key)': \(proto.size) bytes at offset \(proto.offset) run past the file's \(shardSizes[shard]!) bytes")
            }
            let location = Location(shard: shard, offset: Int(proto.offset), size: Int(proto.size), maskedCRC: proto.crc32C)
            let entry = Entry(key: key, shape: shape, dtype: dtype)
            if isSlice {
                slices[raw.key] = (entry, location)
                continue
            }
            if !proto.slices.isEmpty {
                sliced.append((entries.count, proto.slices.map { slice in
                    slice.extent.map { (start: $0.start, length: $0.hasLength_p == nil ? nil : $0.length) }
                }))
            }
            lookup[key] = (entries.count, .whole(location))
            entries.append(entry)
        }
        for (index, extents) in sliced {
            let entry = entries[index]
            lookup[entry.key]!.storage = .slices(try extents.map { slice in
                try Self.slice(of: entry, extents: slice, slices: slices, fault: fault)
            })
            let stored = extents.count
            let covered = try Self.elementCount(of: entry, slices: lookup[entry.key]!.storage, fault: fault)
            guard covered == entry.shape.reduce(1, *) else {
                throw fault("key '\(entry.key)': its \(stored) slices hold \(covered) elements, its shape \(entry.shape) \(entry.shape.reduce(1, *))")
            }
        }
        self.entries = entries
        self.lookup = lookup
    }

    /// The keys, sorted.
    public var keys: [String] { entries.map(\.key) }

    /// The entry stored under `key`, or `nil`.
    public func entry(_ key: String) -> Entry? {
        lookup[key].map { entries[$0.index] }
    }

    /// The tensor stored under `key`, as float32, after checking its bytes' CRC-32C.
    ///
    /// - Throws: `.invalidArgument` naming the key when there is none, when its dtype is not a
    ///   floating-point one (`int64`, `string`, … — refused, not converted), when it was saved
    ///   in slices (a partitioned variable), or when a float64 value is too large for float32;
    ///   `.io` naming the shard when its bytes fail the checksum or cannot be read.
    public func tensor(_ key: String) throws -> Tensor {
        guard let (index, storage) = lookup[key] else {
            throw TensorScopeError(.invalidArgument, "\(prefix): no tensor named '\(key)' in the checkpoint")
        }
        let entry = entries[index]
        guard entry.isFloatingPoint else {
            throw TensorScopeError(
                .invalidArgument,
                "\(prefix): key '\(key)' holds \(entry.dtype); TensorScope's variables are float32, converted from float32, float16, bfloat16 or float64 only")
        }
        switch storage {
        case .whole(let location):
            return try Tensor(shape: entry.shape, scalars: try values(at: location, dtype: entry.dtype, key: key))
        case .slices(let slices):
            // The slices tile the tensor (checked when the index was read): each is copied to
            // its place, row by row of its last dimension.
            var scalars = [Float](repeating: 0, count: entry.shape.reduce(1, *))
            var strides = [Int](repeating: 1, count: entry.shape.count)
            for axis in entry.shape.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * entry.shape[axis + 1] }
            for slice in slices {
                let values = try values(at: slice.location, dtype: entry.dtype, key: key)
                Self.scatter(values, extents: slice.extents, strides: strides, into: &scalars)
            }
            return try Tensor(shape: entry.shape, scalars: scalars)
        }
    }

    /// The values at `location`, checksum verified, as float32.
    private func values(at location: Location, dtype: String, key: String) throws -> [Float] {
        let path = shardPaths[location.shard]
        let bytes = try Self.readRange(path, offset: location.offset, count: location.size)
        let actual = CRC32C.masked(bytes.withUnsafeBytes { CRC32C.checksum($0) })
        guard actual == location.maskedCRC else {
            throw TensorScopeError(.io, String(format: "%@: key '%@': checksum 0x%08x, expected 0x%08x (the file is damaged)",
                                               path, key, actual, location.maskedCRC))
        }
        return try TensorFlowDType.float32(bytes, dtype: dtype) { "\(prefix): key '\(key)'" }
    }

    /// Copies a slice's values (row-major over `extents`) to their places in the whole tensor.
    private static func scatter(_ values: [Float], extents: [Range<Int>], strides: [Int], into scalars: inout [Float]) {
        guard !values.isEmpty else { return }
        let rank = extents.count
        if rank == 0 {
            scalars[0] = values[0]
            return
        }
        let row = extents[rank - 1].count
        var index = extents.map(\.lowerBound)
        var source = 0
        while source < values.count {
            let start = zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }
            scalars.withUnsafeMutableBufferPointer { out in
                values.withUnsafeBufferPointer { out.baseAddress!.advanced(by: start).update(from: $0.baseAddress! + source, count: row) }
            }
            source += row
            // Next row: count up the leading dimensions, odometer-style.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < extents[axis].upperBound { break }
                index[axis] = extents[axis].lowerBound
                axis -= 1
            }
        }
    }

    /// One slice of `entry`: its extents resolved against the shape, and its own entry found
    /// under its encoded key with the dtype and the shape the extents say.
    private static func slice(
        of entry: Entry, extents: [(start: Int64, length: Int64?)], slices: [[UInt8]: (entry: Entry, location: Location)],
        fault: (String) -> TensorScopeError
    ) throws -> (extents: [Range<Int>], location: Location) {
        guard extents.count == entry.shape.count else {
            throw fault("key '\(entry.key)': a slice of rank \(extents.count) for shape \(entry.shape)")
        }
        var ranges: [Range<Int>] = []
        for (extent, size) in zip(extents, entry.shape) {
            let length = extent.length ?? Int64(size)
            guard extent.start >= 0, length >= 0, extent.start <= Int64(size), length <= Int64(size) - extent.start else {
                throw fault("key '\(entry.key)': a slice [\(extent.start), +\(length)) outside its dimension of \(size)")
            }
            ranges.append(Int(extent.start)..<Int(extent.start + length))
        }
        guard let stored = slices[TensorSliceKey.encode(name: entry.key, extents: extents)] else {
            throw fault("key '\(entry.key)': its slice \(ranges) has no entry")
        }
        guard stored.entry.dtype == entry.dtype, stored.entry.shape == ranges.map(\.count) else {
            throw fault("key '\(entry.key)': its slice \(ranges) is stored as \(stored.entry.dtype) of shape \(stored.entry.shape)")
        }
        return (ranges, stored.location)
    }

    /// How many elements the slices cover, each counted once; an element covered twice is an
    /// error. The coverage map costs one bit per element, bounded by what the slices store.
    private static func elementCount(of entry: Entry, slices storage: Storage, fault: (String) -> TensorScopeError) throws -> Int {
        guard case .slices(let slices) = storage else { return entry.shape.reduce(1, *) }
        let stored = slices.reduce(0) { $0 + $1.extents.reduce(1) { $0 * $1.count } }
        guard stored == entry.shape.reduce(1, *) else { return stored }
        var covered = [Float](repeating: 0, count: stored)
        var strides = [Int](repeating: 1, count: entry.shape.count)
        for axis in entry.shape.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * entry.shape[axis + 1] }
        for slice in slices {
            scatter([Float](repeating: 1, count: slice.extents.reduce(1) { $0 * $1.count }), extents: slice.extents,
                    strides: strides, into: &covered)
        }
        let count = covered.reduce(0) { $0 + Int($1) }
        guard count == stored else { throw fault("key '\(entry.key)': its slices overlap") }
        return count
    }

    // MARK: - Reading

    private static func readIndex(_ path: String) throws -> [UInt8] {
        let size = try fileSize(path)
        guard size <= maxIndexBytes else {
            throw TensorScopeError(.invalidArgument, "\(path): \(size) bytes, more than the \(maxIndexBytes) a checkpoint index may have")
        }
        return try readRange(path, offset: 0, count: size)
    }

    private static func fileSize(_ path: String) throws -> Int {
        switch RegularFile.open(path) {
        case .success(let opened):
            try? opened.handle.close()
            return opened.size
        case .failure(let problem): throw TensorScopeError(.io, "\(path): \(problem)")
        }
    }

    private static func readRange(_ path: String, offset: Int, count: Int) throws -> [UInt8] {
        let handle: FileHandle
        switch RegularFile.open(path) {
        case .success(let opened): handle = opened.handle
        case .failure(let problem): throw TensorScopeError(.io, "\(path): \(problem)")
        }
        defer { try? handle.close() }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try RegularFile.read(handle, at: offset, into: UnsafeMutableRawBufferPointer(buffer), path: path)
            initialized = count
        }
    }

    // MARK: - Entries

}
