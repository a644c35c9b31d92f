/// What went wrong while encoding or decoding a PNG file.
///
/// Decoding errors name the chunk and byte offset involved, so that a message such
/// as `CRC mismatch in IDAT chunk at byte 33` points at the damaged part of a file.
public enum PNGError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Width or height is not positive (or too large for PNG, above 2³¹ − 1).
    case invalidDimensions(width: Int, height: Int)
    /// The pixel buffer does not hold `width × height × channels` bytes.
    case pixelCountMismatch(expected: Int, actual: Int)
    /// The data does not start with the 8-byte PNG signature.
    case invalidSignature
    /// The data ends inside a chunk (or before the IEND chunk).
    case truncated(offset: Int)
    /// A chunk's stored CRC-32 differs from the one computed over its type and data.
    case crcMismatch(chunk: String, offset: Int, stored: UInt32, computed: UInt32)
    /// A required chunk (IHDR, IDAT or IEND) is missing.
    case missingChunk(String)
    /// A chunk appears where the PNG specification does not allow it.
    case misplacedChunk(String, offset: Int)
    /// A critical chunk (upper-case first letter) this decoder does not know, such as PLTE.
    case unsupportedChunk(String)
    /// A valid PNG feature this decoder does not read: 16-bit samples, palettes,
    /// alpha, interlacing.
    case unsupportedFormat(String)
    /// The IHDR chunk is malformed.
    case invalidHeader(String)
    /// zlib failed to compress (the zlib return code).
    case compressionFailed(code: Int32)
    /// The IDAT stream is not valid zlib data or has the wrong length.
    case decompressionFailed(String)
    /// A scanline starts with a filter type other than 0...4.
    case invalidFilter(type: UInt8, row: Int)

    public var description: String {
        switch self {
        case let .invalidDimensions(width, height):
            "invalid PNG size \(width)×\(height): both must be in 1...2147483647"
        case let .pixelCountMismatch(expected, actual):
            "pixel buffer holds \(actual) bytes, expected \(expected)"
        case .invalidSignature:
            "not a PNG file: the 8-byte signature is missing"
        case let .truncated(offset):
            "PNG data ends early, at byte \(offset)"
        case let .crcMismatch(chunk, offset, stored, computed):
            "CRC mismatch in \(chunk) chunk at byte \(offset): stored \(hex(stored)), computed \(hex(computed))"
        case let .missingChunk(type):
            "PNG data has no \(type) chunk"
        case let .misplacedChunk(type, offset):
            "\(type) chunk at byte \(offset) is out of place"
        case let .unsupportedChunk(type):
            "unsupported critical chunk \(type)"
        case let .unsupportedFormat(what):
            "unsupported PNG format: \(what)"
        case let .invalidHeader(what):
            "invalid IHDR chunk: \(what)"
        case let .compressionFailed(code):
            "zlib compression failed with code \(code)"
        case let .decompressionFailed(what):
            "zlib decompression failed: \(what)"
        case let .invalidFilter(type, row):
            "invalid filter type \(type) on row \(row)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
