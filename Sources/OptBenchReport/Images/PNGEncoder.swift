import CZlib
import Foundation

/// Writes 8-bit grayscale and RGB images as PNG files.
///
/// The file holds the PNG signature, an IHDR chunk, the zlib-compressed scanlines
/// split over one or more IDAT chunks, and an IEND chunk; every chunk ends with its
/// CRC-32 (zlib's `crc32`). No gamma, colour-profile or text chunks are written, so
/// the same pixels always give the same bytes.
///
/// ```swift
/// let image = try PNGImage(width: 28, height: 28, colorType: .grayscale, pixels: firstImage)
/// try Data(PNGEncoder().encode(image)).write(to: URL(fileURLWithPath: "image.png"))
/// ```
///
/// Each scanline is filtered before compression. By default the encoder picks,
/// per row, the filter whose output has the smallest sum of absolute values (read
/// as signed bytes), the heuristic the PNG specification recommends and libpng uses.
public struct PNGEncoder: Sendable {
    /// How scanline filters are chosen.
    public enum Filtering: Sendable, Equatable {
        /// The same filter on every row.
        case fixed(PNGFilter)
        /// Per row, the filter with the smallest sum of absolute signed differences.
        case adaptive
    }

    /// zlib compression level, 0 (store) to 9 (smallest); `Z_DEFAULT_COMPRESSION` (−1) is 6.
    public var compressionLevel: Int32
    /// How scanline filters are chosen.
    public var filtering: Filtering
    /// Largest IDAT chunk payload in bytes; longer compressed streams are split.
    public var maximumChunkSize: Int

    /// Creates an encoder.
    ///
    /// - Parameters:
    ///   - compressionLevel: zlib level, `-1...9` (default 9: these files are small).
    ///   - filtering: scanline filter choice (default adaptive).
    ///   - maximumChunkSize: largest IDAT payload (default 64 KiB, at least 1).
    public init(compressionLevel: Int32 = 9, filtering: Filtering = .adaptive, maximumChunkSize: Int = 1 << 16) {
        precondition((-1...9).contains(compressionLevel), "zlib compression level must be in -1...9")
        precondition(maximumChunkSize > 0, "IDAT chunks must hold at least one byte")
        self.compressionLevel = compressionLevel
        self.filtering = filtering
        self.maximumChunkSize = maximumChunkSize
    }

    /// The 8 bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes `image` as a complete PNG file.
    public func encode(_ image: PNGImage) -> [UInt8] {
        let filtered = filteredScanlines(image)
        let compressed = deflate(filtered)

        var output = Self.signature
        output.reserveCapacity(compressed.count + 64 + compressed.count / maximumChunkSize * 12)

        var header: [UInt8] = []
        header.appendBigEndian(UInt32(image.width))
        header.appendBigEndian(UInt32(image.height))
        header += [8, image.colorType.rawValue, 0, 0, 0]  // depth, colour type, compression, filter, interlace
        Self.appendChunk("IHDR", header[...], to: &output)

        var start = 0
        repeat {
            let end = min(start + maximumChunkSize, compressed.count)
            Self.appendChunk("IDAT", compressed[start..<end], to: &output)
            start = end
        } while start < compressed.count

        Self.appendChunk("IEND", [][...], to: &output)
        return output
    }

    /// Checks the sizes, then encodes the pixels as a PNG file.
    ///
    /// - Parameter pixels: `height × width × channels` bytes, row-major.
    /// - Throws: ``PNGError`` if the sizes do not agree.
    public func encode(width: Int, height: Int, colorType: PNGImage.ColorType, pixels: [UInt8]) throws(PNGError) -> [UInt8] {
        encode(try PNGImage(width: width, height: height, colorType: colorType, pixels: pixels))
    }

    /// ``encode(_:)`` as `Data`, ready for `write(to:)`.
    public func encodedData(_ image: PNGImage) -> Data {
        Data(encode(image))
    }

    // MARK: - Steps

    /// Each row prefixed by its filter type byte: `height × (1 + width × channels)` bytes.
    func filteredScanlines(_ image: PNGImage) -> [UInt8] {
        let rowBytes = image.bytesPerRow
        let bpp = image.channels
        var output = [UInt8](repeating: 0, count: image.height * (rowBytes + 1))
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { out in
                candidate.withUnsafeMutableBufferPointer { candidate in
                    for y in 0..<image.height {
                        let row = UnsafeBufferPointer(rebasing: pixels[y * rowBytes..<(y + 1) * rowBytes])
                        let previous = y == 0
                            ? nil : UnsafeBufferPointer(rebasing: pixels[(y - 1) * rowBytes..<y * rowBytes])
                        let lineStart = y * (rowBytes + 1)
                        let target = UnsafeMutableBufferPointer(rebasing: out[lineStart + 1..<lineStart + 1 + rowBytes])
                        switch filtering {
                        case .fixed(let filter):
                            out[lineStart] = filter.rawValue
                            filter.apply(row: row, previous: previous, bytesPerPixel: bpp, into: target)
                        case .adaptive:
                            var best = Int.max
                            for filter in PNGFilter.allCases {
                                filter.apply(row: row, previous: previous, bytesPerPixel: bpp, into: candidate)
                                var cost = 0
                                for byte in candidate { cost += abs(Int(Int8(bitPattern: byte))) }
                                if cost < best {
                                    best = cost
                                    out[lineStart] = filter.rawValue
                                    _ = target.update(fromContentsOf: candidate)
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// A zlib stream (RFC 1950) of `data`.
    func deflate(_ data: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(input.count), compressionLevel)
            }
        }
        // compress2 fails only when memory runs out or the bound is wrong: neither
        // is something a caller can handle.
        precondition(status == Z_OK, "zlib compress2 failed: \(PNGError.compressionFailed(code: status))")
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// Appends length, type, data and CRC-32 of one chunk.
    static func appendChunk(_ type: String, _ data: ArraySlice<UInt8>, to output: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4, "PNG chunk types have four letters")
        output.appendBigEndian(UInt32(data.count))
        output += typeBytes
        output += data
        output.appendBigEndian(crc(type: typeBytes, data: data))
    }

    /// CRC-32 over a chunk's type and data, as PNG stores it.
    static func crc(type: [UInt8], data: ArraySlice<UInt8>) -> UInt32 {
        var crc = type.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
        // zlib's crc32 returns 0 (its initial value) for a null buffer, so an empty
        // chunk (IEND) must not pass its data at all.
        if !data.isEmpty {
            crc = data.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, uInt($0.count)) }
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

private extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
}
