import CZlib
import Foundation

/// Reads 8-bit grayscale and RGB PNG files, such as those ``PNGEncoder`` writes.
///
/// The decoder checks the signature and the CRC-32 of every chunk, reads IHDR,
/// concatenates the IDAT chunks, inflates them with zlib and undoes all five
/// scanline filters. It skips ancillary chunks (lower-case first letter, such as
/// `tEXt` or `gAMA`) and rejects what it does not read: bit depths other than 8,
/// palettes, alpha and interlacing.
///
/// ```swift
/// let image = try PNGDecoder().decode(Array(try Data(contentsOf: url)))
/// print(image.width, image.height, image.channels)
/// ```
public struct PNGDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// One chunk of a PNG file, as found by ``chunks(in:)``.
    public struct Chunk: Sendable, Equatable {
        /// The four-letter type, such as `IHDR`.
        public var type: String
        /// Byte offset of the chunk (its length field) in the file.
        public var offset: Int
        /// The chunk's data, without length, type and CRC.
        public var data: ArraySlice<UInt8>
    }

    /// The chunks of a PNG file, each CRC verified, up to and including IEND.
    ///
    /// - Throws: ``PNGError/invalidSignature``, ``PNGError/truncated(offset:)``,
    ///   ``PNGError/crcMismatch(chunk:offset:stored:computed:)``,
    ///   ``PNGError/missingChunk(_:)`` if there is no IEND.
    public func chunks(in bytes: [UInt8]) throws(PNGError) -> [Chunk] {
        guard bytes.count >= 8, Array(bytes[0..<8]) == PNGEncoder.signature else { throw .invalidSignature }
        var chunks: [Chunk] = []
        var offset = 8
        while true {
            guard offset + 12 <= bytes.count else { throw .truncated(offset: bytes.count) }
            let length = Int(bytes.bigEndianUInt32(at: offset))
            guard length <= Int(Int32.max), offset + 12 + length <= bytes.count else {
                throw .truncated(offset: bytes.count)
            }
            let typeBytes = Array(bytes[offset + 4..<offset + 8])
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = bytes[offset + 8..<offset + 8 + length]
            let stored = bytes.bigEndianUInt32(at: offset + 8 + length)
            let computed = PNGEncoder.crc(type: typeBytes, data: data)
            guard stored == computed else {
                throw .crcMismatch(chunk: type, offset: offset, stored: stored, computed: computed)
            }
            chunks.append(Chunk(type: type, offset: offset, data: data))
            offset += 12 + length
            if type == "IEND" { return chunks }
        }
    }

    /// Decodes a PNG file.
    ///
    /// - Throws: ``PNGError`` describing the first problem found.
    public func decode(_ bytes: [UInt8]) throws(PNGError) -> PNGImage {
        let chunks = try chunks(in: bytes)
        guard let first = chunks.first, first.type == "IHDR" else { throw .missingChunk("IHDR") }
        let (width, height, colorType) = try readHeader(first.data)

        var compressed: [UInt8] = []
        var idatState = 0  // 0: none yet, 1: in the IDAT run, 2: after it
        for chunk in chunks.dropFirst() {
            switch chunk.type {
            case "IHDR":
                throw .misplacedChunk("IHDR", offset: chunk.offset)
            case "IDAT":
                guard idatState < 2 else { throw .misplacedChunk("IDAT", offset: chunk.offset) }
                idatState = 1
                compressed += chunk.data
            case "IEND":
                break
            default:
                if idatState == 1 { idatState = 2 }
                // Bit 5 of the first letter (lower case) marks ancillary chunks.
                let critical = chunk.type.utf8.first.map { $0 & 0x20 == 0 } ?? true
                if critical { throw .unsupportedChunk(chunk.type) }
            }
        }
        guard idatState > 0 else { throw .missingChunk("IDAT") }

        let channels = colorType.channels
        let rowBytes = width * channels
        let expected = height * (rowBytes + 1)
        var scanlines = try inflate(compressed, expectedSize: expected)
        let pixels = try unfilter(&scanlines, height: height, rowBytes: rowBytes, bytesPerPixel: channels)
        return PNGImage(validatedWidth: width, height: height, colorType: colorType, pixels: pixels)
    }

    /// Decodes PNG data, e.g. read with `Data(contentsOf:)`.
    public func decode(_ data: Data) throws(PNGError) -> PNGImage {
        try decode([UInt8](data))
    }

    // MARK: - Steps

    func readHeader(_ data: ArraySlice<UInt8>) throws(PNGError) -> (Int, Int, PNGImage.ColorType) {
        guard data.count == 13 else { throw .invalidHeader("length \(data.count), expected 13") }
        let bytes = Array(data)
        let width = Int(bytes.bigEndianUInt32(at: 0))
        let height = Int(bytes.bigEndianUInt32(at: 4))
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw .invalidDimensions(width: width, height: height)
        }
        guard bytes[8] == 8 else { throw .unsupportedFormat("bit depth \(bytes[8]) (only 8 is read)") }
        guard let colorType = PNGImage.ColorType(rawValue: bytes[9]) else {
            throw .unsupportedFormat("colour type \(bytes[9]) (only 0, grayscale, and 2, RGB, are read)")
        }
        guard bytes[10] == 0 else { throw .invalidHeader("compression method \(bytes[10])") }
        guard bytes[11] == 0 else { throw .invalidHeader("filter method \(bytes[11])") }
        guard bytes[12] == 0 else { throw .unsupportedFormat("interlace method \(bytes[12])") }
        // Refuse sizes whose pixels would not fit in memory rather than trap later.
        let (samples, overflow) = (width * colorType.channels + 1).multipliedReportingOverflow(by: height)
        guard !overflow, samples <= 1 << 32 else { throw .unsupportedFormat("image of \(width)×\(height) is too large") }
        return (width, height, colorType)
    }

    /// Inflates a zlib stream that must decompress to exactly `expectedSize` bytes.
    func inflate(_ compressed: [UInt8], expectedSize: Int) throws(PNGError) -> [UInt8] {
        // One spare byte tells "exactly right" from "too long".
        var output = [UInt8](repeating: 0, count: expectedSize + 1)
        var produced = uLongf(output.count)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                var sourceLength = uLong(input.count)
                return uncompress2(out.baseAddress, &produced, input.baseAddress, &sourceLength)
            }
        }
        switch status {
        case Z_OK:
            guard Int(produced) == expectedSize else {
                throw .decompressionFailed("\(produced) bytes of scanlines, expected \(expectedSize)")
            }
        case Z_BUF_ERROR:
            throw .decompressionFailed("more than the expected \(expectedSize) bytes of scanlines")
        case Z_DATA_ERROR:
            throw .decompressionFailed("corrupt or truncated zlib data")
        default:
            throw .decompressionFailed("zlib error \(status)")
        }
        output.removeLast()
        return output
    }

    /// Undoes the filters of `scanlines` (each row prefixed by its filter type).
    func unfilter(_ scanlines: inout [UInt8], height: Int, rowBytes: Int, bytesPerPixel: Int) throws(PNGError) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: height * rowBytes)
        var badRow: (type: UInt8, row: Int)?
        scanlines.withUnsafeMutableBufferPointer { lines in
            pixels.withUnsafeMutableBufferPointer { pixels in
                for y in 0..<height {
                    let start = y * (rowBytes + 1)
                    guard let filter = PNGFilter(rawValue: lines[start]) else {
                        badRow = (lines[start], y)
                        return
                    }
                    let row = UnsafeMutableBufferPointer(rebasing: pixels[y * rowBytes..<(y + 1) * rowBytes])
                    _ = row.update(fromContentsOf: lines[start + 1..<start + 1 + rowBytes])
                    let previous = y == 0
                        ? nil : UnsafeBufferPointer(rebasing: pixels[(y - 1) * rowBytes..<y * rowBytes])
                    filter.reverse(row: row, previous: previous, bytesPerPixel: bytesPerPixel)
                }
            }
        }
        if let badRow { throw .invalidFilter(type: badRow.type, row: badRow.row) }
        return pixels
    }
}

private extension [UInt8] {
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8
            | UInt32(self[offset + 3])
    }
}
