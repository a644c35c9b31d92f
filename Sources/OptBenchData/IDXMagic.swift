/// The IDX magic numbers this module reads, and their human-readable meaning.
///
/// An IDX file starts with four big-endian bytes: `0x00 0x00`, the element type
/// (`0x08` = unsigned byte) and the number of dimensions. MNIST-style images are
/// `0x00000803` (unsigned bytes, 3 dimensions: count, rows, columns) and labels
/// `0x00000801` (unsigned bytes, 1 dimension: count).
enum IDXMagic {
    /// Unsigned-byte images: count × rows × columns.
    static let images: UInt32 = 0x0000_0803
    /// Unsigned-byte labels: count.
    static let labels: UInt32 = 0x0000_0801

    /// `0x00000803`: eight hexadecimal digits, as the format's documentation writes it.
    static func hex(_ magic: UInt32) -> String {
        let digits = String(magic, radix: 16, uppercase: false)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// `(unsigned-byte, 3 dimensions)`, or `(not an IDX file)` when the two
    /// leading bytes are not zero.
    static func explain(_ magic: UInt32) -> String {
        guard magic >> 16 == 0 else { return "(not an IDX file)" }
        let type = UInt8(truncatingIfNeeded: magic >> 8)
        let dimensions = Int(magic & 0xFF)
        return "(\(typeName(type)), \(dimensions) dimension\(dimensions == 1 ? "" : "s"))"
    }

    /// The IDX element type names of the format's documentation.
    static func typeName(_ type: UInt8) -> String {
        switch type {
        case 0x08: return "unsigned-byte"
        case 0x09: return "signed-byte"
        case 0x0B: return "short"
        case 0x0C: return "int"
        case 0x0D: return "float"
        case 0x0E: return "double"
        default:
            let digits = String(type, radix: 16)
            return "unknown type 0x" + (digits.count < 2 ? "0" : "") + digits
        }
    }
}
