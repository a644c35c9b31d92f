import CZlib
import Testing

@testable import OptBenchReport

/// A chunk found by walking the file independently of `PNGDecoder`.
struct PNGTestChunk {
    var type: String
    var data: [UInt8]
    var storedCRC: UInt32
}

/// Walks the chunks of `bytes` after the signature, without any checks.
func pngTestChunks(_ bytes: [UInt8]) -> [PNGTestChunk] {
    func u32(_ i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    }
    var chunks: [PNGTestChunk] = []
    var offset = 8
    while offset + 12 <= bytes.count {
        let length = Int(u32(offset))
        let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
        let data = Array(bytes[offset + 8..<offset + 8 + length])
        chunks.append(PNGTestChunk(type: type, data: data, storedCRC: u32(offset + 8 + length)))
        offset += 12 + length
    }
    return chunks
}

/// CRC-32 of type + data computed with zlib, the way the PNG specification defines it.
func pngTestCRC(_ chunk: PNGTestChunk) -> UInt32 {
    let bytes = Array(chunk.type.utf8) + chunk.data
    return UInt32(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
}

/// Deterministic test pixels that exercise every byte value and all filters.
func pngTestPixels(count: Int, seed: UInt32 = 1) -> [UInt8] {
    var state = seed
    return (0..<count).map { i in
        state = state &* 1_664_525 &+ 1_013_904_223
        // Mix smooth gradients (which the filters predict) with noise (which they don't).
        return i % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(truncatingIfNeeded: i * 7 / 5)
    }
}

@Suite("PNGEncoder")
struct PNGEncoderTests {
    @Test("starts with the PNG signature and an IHDR chunk with the right fields")
    func signatureAndHeader() throws {
        let gray = try PNGEncoder().encode(width: 3, height: 5, colorType: .grayscale, pixels: pngTestPixels(count: 15))
        #expect(Array(gray[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = pngTestChunks(gray)
        let header = try #require(chunks.first)
        #expect(header.type == "IHDR")
        #expect(header.data == [0, 0, 0, 3, 0, 0, 0, 5, 8, 0, 0, 0, 0])  // 3×5, depth 8, gray, deflate, filter 0, no interlace

        let rgb = try PNGEncoder().encode(width: 300, height: 2, colorType: .rgb, pixels: pngTestPixels(count: 1800))
        let rgbHeader = try #require(pngTestChunks(rgb).first)
        #expect(rgbHeader.data == [0, 0, 1, 44, 0, 0, 0, 2, 8, 2, 0, 0, 0])  // 300 = 0x012C, colour type 2
    }

    @Test("has IHDR, IDAT…, IEND in order and nothing after IEND")
    func chunkOrder() throws {
        let bytes = try PNGEncoder(maximumChunkSize: 100)
            .encode(width: 100, height: 7, colorType: .rgb, pixels: pngTestPixels(count: 2100))
        let types = pngTestChunks(bytes).map(\.type)
        #expect(types.first == "IHDR")
        #expect(types.last == "IEND")
        #expect(types.dropFirst().dropLast().allSatisfy { $0 == "IDAT" })
        #expect(types.count > 3, "a 100-byte chunk limit must split the stream over several IDATs")
        let total = pngTestChunks(bytes).reduce(8) { $0 + 12 + $1.data.count }
        #expect(total == bytes.count)
        #expect(pngTestChunks(bytes).last?.data.isEmpty == true)
    }

    @Test("every chunk's CRC matches zlib's crc32 over type and data", arguments: [
        PNGImage.ColorType.grayscale, .rgb,
    ])
    func chunkCRCs(colorType: PNGImage.ColorType) throws {
        let count = 28 * 28 * colorType.channels
        let bytes = try PNGEncoder(maximumChunkSize: 200)
            .encode(width: 28, height: 28, colorType: colorType, pixels: pngTestPixels(count: count))
        let chunks = pngTestChunks(bytes)
        #expect(chunks.count >= 4)
        for chunk in chunks {
            #expect(chunk.storedCRC == pngTestCRC(chunk), "CRC of \(chunk.type)")
        }
        // IEND's CRC is a well-known constant.
        #expect(chunks.last?.storedCRC == 0xAE42_6082)
    }

    @Test("IDAT data is a zlib stream of filter-byte-prefixed scanlines")
    func idatIsZlib() throws {
        let pixels = pngTestPixels(count: 3 * 5)
        let bytes = try PNGEncoder(filtering: .fixed(.none)).encode(width: 3, height: 5, colorType: .grayscale, pixels: pixels)
        let compressed = pngTestChunks(bytes).filter { $0.type == "IDAT" }.flatMap(\.data)
        var output = [UInt8](repeating: 0, count: 100)
        var length = uLongf(output.count)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
        }
        #expect(status == Z_OK)
        var expected: [UInt8] = []
        for row in 0..<5 { expected += [0] + pixels[row * 3..<row * 3 + 3] }
        #expect(Array(output[0..<Int(length)]) == expected)
    }

    @Test("rejects bad sizes with a clear error")
    func validation() {
        #expect(throws: PNGError.invalidDimensions(width: 0, height: 5)) {
            try PNGEncoder().encode(width: 0, height: 5, colorType: .grayscale, pixels: [])
        }
        #expect(throws: PNGError.invalidDimensions(width: 2, height: -1)) {
            try PNGImage(width: 2, height: -1, colorType: .rgb, pixels: [])
        }
        #expect(throws: PNGError.pixelCountMismatch(expected: 18, actual: 6)) {
            try PNGEncoder().encode(width: 2, height: 3, colorType: .rgb, pixels: [UInt8](repeating: 0, count: 6))
        }
        #expect(PNGError.pixelCountMismatch(expected: 18, actual: 6).description == "pixel buffer holds 6 bytes, expected 18")
    }

    @Test("adaptive filtering makes smooth images smaller than no filtering")
    func adaptiveFilteringHelps() throws {
        // A diagonal gradient: every filter but None predicts it almost perfectly.
        let pixels = (0..<(64 * 64)).map { UInt8(truncatingIfNeeded: ($0 % 64) * 3 + ($0 / 64) * 2) }
        let image = try PNGImage(width: 64, height: 64, colorType: .grayscale, pixels: pixels)
        let plain = PNGEncoder(filtering: .fixed(.none)).encode(image)
        let adaptive = PNGEncoder().encode(image)
        #expect(adaptive.count < plain.count)
        #expect(try PNGDecoder().decode(adaptive) == image)
    }

    @Test("the same pixels always give the same bytes")
    func deterministic() throws {
        let image = try PNGImage(width: 10, height: 10, colorType: .rgb, pixels: pngTestPixels(count: 300))
        #expect(PNGEncoder().encode(image) == PNGEncoder().encode(image))
        #expect(PNGEncoder().encodedData(image) == .init(PNGEncoder().encode(image)))
    }
}
