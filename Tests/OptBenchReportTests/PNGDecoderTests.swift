import CZlib
import Foundation
import Testing

@testable import OptBenchReport

/// Builds a PNG by hand from raw (already filtered) scanlines, independently of `PNGEncoder`.
func handMadePNG(width: UInt32, height: UInt32, colorType: UInt8, bitDepth: UInt8 = 8, scanlines: [UInt8]) -> [UInt8] {
    func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return be(UInt32(data.count)) + body + be(UInt32(crc))
    }
    var compressed = [UInt8](repeating: 0, count: scanlines.count + 64)
    var length = uLongf(compressed.count)
    _ = compressed.withUnsafeMutableBufferPointer { out in
        scanlines.withUnsafeBufferPointer { compress(out.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
    }
    compressed.removeSubrange(Int(length)...)
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        + chunk("IHDR", be(width) + be(height) + [bitDepth, colorType, 0, 0, 0])
        + chunk("tEXt", Array("Comment\u{0}ancillary chunks are skipped".utf8))
        + chunk("IDAT", Array(compressed.prefix(3)))
        + chunk("IDAT", Array(compressed.dropFirst(3)))
        + chunk("IEND", [])
}

@Suite("PNGDecoder")
struct PNGDecoderTests {
    static let sizes: [(Int, Int)] = [(1, 1), (3, 5), (28, 28), (100, 7), (7, 100), (2, 1)]

    @Test("encode → decode reproduces grayscale pixels exactly", arguments: sizes)
    func grayRoundTrip(width: Int, height: Int) throws {
        let image = try PNGImage(
            width: width, height: height, colorType: .grayscale,
            pixels: pngTestPixels(count: width * height, seed: UInt32(width * 31 + height)))
        let decoded = try PNGDecoder().decode(PNGEncoder().encode(image))
        #expect(decoded.width == width && decoded.height == height && decoded.channels == 1)
        #expect(decoded.pixels == image.pixels)
    }

    @Test("encode → decode reproduces RGB pixels exactly", arguments: sizes)
    func rgbRoundTrip(width: Int, height: Int) throws {
        let image = try PNGImage(
            width: width, height: height, colorType: .rgb,
            pixels: pngTestPixels(count: width * height * 3, seed: UInt32(width * 17 + height)))
        let decoded = try PNGDecoder().decode(PNGEncoder(maximumChunkSize: 50).encode(image))
        #expect(decoded.colorType == .rgb && decoded.channels == 3)
        #expect(decoded == image)
    }

    @Test("each filter round-trips", arguments: PNGFilter.allCases, [PNGImage.ColorType.grayscale, .rgb])
    func everyFilter(filter: PNGFilter, colorType: PNGImage.ColorType) throws {
        let image = try PNGImage(
            width: 13, height: 9, colorType: colorType, pixels: pngTestPixels(count: 13 * 9 * colorType.channels))
        let bytes = PNGEncoder(filtering: .fixed(filter)).encode(image)
        #expect(try PNGDecoder().decode(bytes) == image)
    }

    @Test("decodes a hand-made file using each filter type, skipping ancillary chunks")
    func handMadeFilters() throws {
        // 2×2 RGB. Row 0 raw: (10,20,30) (40,60,80); row 1 raw: (11,22,33) (50,70,90).
        // Row 0 with Sub: second pixel minus first. Row 1 with Up: minus row 0.
        let sub: [UInt8] = [1, 10, 20, 30, 30, 40, 50]
        let up: [UInt8] = [2, 1, 2, 3, 10, 10, 10]
        let image = try PNGDecoder().decode(handMadePNG(width: 2, height: 2, colorType: 2, scanlines: sub + up))
        #expect(image.pixels == [10, 20, 30, 40, 60, 80, 11, 22, 33, 50, 70, 90])

        // Grayscale 3×2. Row 0 Average (b = 0): 100, 100 + 100/2 = 150, 151 + 150/2 = 226.
        // Row 1 Paeth: first byte predicts b (a=c=0) → 100+5; then p=a+b-c.
        let average: [UInt8] = [3, 100, 100, 151]
        // Row 1 raw target: 105, 160, 200. Paeth predictions: x0: a=0,b=100,c=0 → b=100 → 5;
        // x1: a=105,b=150,c=100 → p=155, pa=50, pb=5, pc=55 → b=150 → 10;
        // x2: a=160,b=226,c=150 → p=236, pa=76, pb=10, pc=86 → b=226 → 200-226 = 230 (mod 256).
        let paeth: [UInt8] = [4, 5, 10, 230]
        let gray = try PNGDecoder().decode(handMadePNG(width: 3, height: 2, colorType: 0, scanlines: average + paeth))
        #expect(gray.pixels == [100, 150, 226, 105, 160, 200])
    }

    @Test("a corrupted byte in any chunk fails with a CRC error naming the chunk")
    func corruptionIsDetected() throws {
        let bytes = try PNGEncoder().encode(width: 28, height: 28, colorType: .grayscale, pixels: pngTestPixels(count: 784))
        #expect(throws: Never.self) { try PNGDecoder().decode(bytes) }
        // Flip one bit in IHDR's width, in the IDAT data, and in IEND's CRC.
        let idatStart = 8 + 25 + 8
        for (position, chunk) in [(18, "IHDR"), (idatStart + 5, "IDAT"), (bytes.count - 1, "IEND")] {
            var damaged = bytes
            damaged[position] ^= 0x04
            do {
                _ = try PNGDecoder().decode(damaged)
                Issue.record("decoding succeeded despite a damaged byte in \(chunk)")
            } catch {
                guard case .crcMismatch(let type, _, let stored, let computed) = error else {
                    Issue.record("expected a CRC error, got \(error)")
                    continue
                }
                #expect(type == chunk)
                #expect(stored != computed)
                #expect(error.description.contains("CRC mismatch in \(chunk) chunk"))
            }
        }
    }

    @Test("rejects files that are not PNG, truncated, or in formats it does not read")
    func invalidInput() throws {
        let bytes = try PNGEncoder().encode(width: 3, height: 5, colorType: .rgb, pixels: pngTestPixels(count: 45))
        #expect(throws: PNGError.invalidSignature) { try PNGDecoder().decode(Array("GIF89a not a png".utf8)) }
        #expect(throws: PNGError.invalidSignature) { try PNGDecoder().decode([UInt8]()) }
        #expect(throws: PNGError.truncated(offset: bytes.count - 5)) { try PNGDecoder().decode(Array(bytes.dropLast(5))) }

        let rgba = handMadePNG(width: 1, height: 1, colorType: 6, scanlines: [0, 1, 2, 3, 4])
        #expect(throws: PNGError.unsupportedFormat("colour type 6 (only 0, grayscale, and 2, RGB, are read)")) {
            try PNGDecoder().decode(rgba)
        }
        let sixteenBit = handMadePNG(width: 1, height: 1, colorType: 0, bitDepth: 16, scanlines: [0, 1, 2])
        #expect(throws: PNGError.unsupportedFormat("bit depth 16 (only 8 is read)")) { try PNGDecoder().decode(sixteenBit) }

        let badFilter = handMadePNG(width: 2, height: 1, colorType: 0, scanlines: [7, 1, 2])
        #expect(throws: PNGError.invalidFilter(type: 7, row: 0)) { try PNGDecoder().decode(badFilter) }

        let short = handMadePNG(width: 2, height: 2, colorType: 0, scanlines: [0, 1, 2])
        #expect {
            try PNGDecoder().decode(short)
        } throws: { error in
            guard case .decompressionFailed(let what) = error as? PNGError else { return false }
            return what.contains("expected 6")
        }
    }

    @Test("lists the chunks with their offsets")
    func chunkListing() throws {
        let bytes = try PNGEncoder().encode(width: 1, height: 1, colorType: .grayscale, pixels: [42])
        let chunks = try PNGDecoder().chunks(in: bytes)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks.map(\.offset).prefix(2) == [8, 33])
        #expect(try PNGDecoder().decode(Data(bytes)).pixels == [42])
    }
}
