/// The index key under which a V2 checkpoint stores one slice of a tensor saved in pieces (a
/// partitioned variable, or a tensor split across shards by a shard-size policy):
/// TensorFlow's `EncodeTensorNameSlice`, in its `OrderedCode` encoding — the number 0, the
/// tensor's name as an escaped string, the rank, then each dimension's start and length as
/// signed numbers (a full extent as start 0, length -1). Every such key starts with a zero
/// byte, so the slices sort before the tensors' own keys; a reader finds each slice by
/// encoding what the tensor's entry lists.
enum TensorSliceKey {
    static func encode(name: String, extents: [(start: Int64, length: Int64?)]) -> [UInt8] {
        var key = numIncreasing(0)
        // A string: 0x00 escaped as 00 FF, 0xFF as FF 00, closed by 00 01.
        for byte in name.utf8 {
            switch byte {
            case 0x00: key += [0x00, 0xFF]
            case 0xFF: key += [0xFF, 0x00]
            default: key.append(byte)
            }
        }
        key += [0x00, 0x01]
        key += numIncreasing(UInt64(extents.count))
        for extent in extents {
            key += signedNumIncreasing(extent.length == nil ? 0 : extent.start)
            key += signedNumIncreasing(extent.length ?? -1)
        }
        return key
    }

    /// An unsigned number: its byte count, then its bytes, most significant first (0 is one
    /// zero byte).
    static func numIncreasing(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        return [UInt8(bytes.count)] + bytes
    }

    /// A signed number in `length` bytes, where `length` grows with the magnitude (7 bits per
    /// byte, less the sign) and its unary count is XORed into the leading bits so that byte
    /// order is numeric order.
    static func signedNumIncreasing(_ value: Int64) -> [UInt8] {
        let magnitude = UInt64(bitPattern: value < 0 ? ~value : value)
        if magnitude < 64 { return [0x80 ^ UInt8(truncatingIfNeeded: value)] }
        let bits = 64 - magnitude.leadingZeroBitCount
        let length = (bits + 7) / 7
        let sign: UInt8 = value < 0 ? 0xFF : 0x00
        var buffer = [sign, sign]
        for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: value >> Int64(shift))) }
        var encoded = Array(buffer.suffix(length))
        let header = headerBits[length]
        encoded[0] ^= header.0
        encoded[1] ^= header.1
        return encoded
    }

    /// The leading bits that say a signed number's length, per length (OrderedCode's
    /// `kLengthToHeaderBits`).
    private static let headerBits: [(UInt8, UInt8)] = [
        (0, 0), (0x80, 0), (0xC0, 0), (0xE0, 0), (0xF0, 0), (0xF8, 0), (0xFC, 0), (0xFE, 0), (0xFF, 0), (0xFF, 0x80), (0xFF, 0xC0),
    ]
}
