import Foundation
import OptBenchData
import Testing

@Suite("IDX files")
struct IDXReaderTests {
    let folder = TemporaryDirectory()

    @Test("reads raw images and labels")
    func rawFiles() throws {
        let pixels = IDX.pixels(count: 3, rows: 4, columns: 5)
        let imagesPath = folder.write(IDX.imagesFile(pixels, count: 3, rows: 4, columns: 5), to: "images")
        let labelsPath = folder.write(IDX.labelsFile([7, 0, 9]), to: "labels")

        let images = try IDXReader.readImages(path: imagesPath)
        #expect(images.count == 3)
        #expect(images.rows == 4)
        #expect(images.columns == 5)
        #expect(images.pixels == pixels)
        #expect(try IDXReader.readLabels(path: labelsPath) == [7, 0, 9])
    }

    @Test("detects gzip by content, not by name")
    func gzipByContent() throws {
        let pixels = IDX.pixels(count: 2, rows: 3, columns: 3)
        let file = IDX.imagesFile(pixels, count: 2, rows: 3, columns: 3)
        // Compressed without .gz, raw with .gz: both must read.
        let compressedPath = folder.write(gzip(file), to: "train-images-idx3-ubyte")
        let rawPath = folder.write(file, to: "raw-named.gz")
        #expect(try IDXReader.readImages(path: compressedPath).pixels == pixels)
        #expect(try IDXReader.readImages(path: rawPath).pixels == pixels)
        #expect(try IDXReader.contents(ofFile: compressedPath) == file)
    }

    @Test("reads several gzip members in a row")
    func multiMemberGzip() throws {
        let file = IDX.labelsFile(Array(0..<200).map { UInt8($0 % 10) })
        let path = folder.write(gzip(Array(file[0..<50])) + gzip(Array(file[50...])), to: "labels.gz")
        #expect(try IDXReader.contents(ofFile: path) == file)
    }

    @Test("reads empty content and a large file decompressing in several chunks")
    func largeGzip() throws {
        // 3 MB of pixels: more than one 1 MiB output chunk.
        let pixels = IDX.pixels(count: 1000, rows: 60, columns: 50)
        let path = folder.write(gzip(IDX.imagesFile(pixels, count: 1000, rows: 60, columns: 50)), to: "big.gz")
        #expect(try IDXReader.readImages(path: path).pixels == pixels)
        let emptyLabels = folder.write(gzip(IDX.labelsFile([])), to: "empty.gz")
        #expect(try IDXReader.readLabels(path: emptyLabels) == [])
    }

    @Test(
        "rejects a wrong magic number",
        arguments: [
            (UInt32(0x0000_0803), UInt32(0x0000_0801), "(unsigned-byte, 3 dimensions)"),  // images as labels
            (UInt32(0x0000_0903), UInt32(0x0000_0801), "(signed-byte, 3 dimensions)"),
            (UInt32(0x0000_0D01), UInt32(0x0000_0801), "(float, 1 dimension)"),  // wrong data type
            (UInt32(0x0000_0801), UInt32(0x0000_0803), "(unsigned-byte, 1 dimension)"),  // labels as images
            (UInt32(0x0000_0802), UInt32(0x0000_0803), "(unsigned-byte, 2 dimensions)"),  // wrong dimensions
            (UInt32(0x504B_0304), UInt32(0x0000_0803), "(not an IDX file)"),  // a zip file
        ])
    func wrongMagic(found: UInt32, expected: UInt32, explanation: String) throws {
        let content = IDX.header(magic: found, dimensions: [1, 1, 1]) + [0]
        let path = folder.write(content, to: "file")
        let error = #expect(throws: DatasetError.self) {
            if expected == 0x0801 {
                _ = try IDXReader.readLabels(path: path)
            } else {
                _ = try IDXReader.readImages(path: path)
            }
        }
        #expect(error == .wrongMagicNumber(path: path, found: found, expected: expected))
        #expect(error?.description.contains(explanation) == true)
    }

    @Test("describes a wrong magic number on one line")
    func magicDescription() {
        let error = DatasetError.wrongMagicNumber(path: "/x/train-labels-idx1-ubyte", found: 0x0903, expected: 0x0801)
        #expect(
            error.description
                == "/x/train-labels-idx1-ubyte: wrong IDX magic number 0x00000903 (signed-byte, 3 dimensions), "
                + "expected 0x00000801 (unsigned-byte, 1 dimension)")
    }

    @Test("rejects data shorter than the header announces")
    func truncatedData() throws {
        let content = IDX.imagesFile(IDX.pixels(count: 2, rows: 2, columns: 2), count: 3, rows: 2, columns: 2)
        let path = folder.write(gzip(content), to: "images.gz")
        let error = #expect(throws: DatasetError.self) { try IDXReader.readImages(path: path) }
        #expect(error == .wrongDataLength(path: path, expected: 12, actual: 8))
        #expect(error?.description.contains("truncated IDX data") == true)
    }

    @Test("rejects bytes after the announced data")
    func trailingData() throws {
        let path = folder.write(IDX.labelsFile([1, 2, 3]) + [4], to: "labels")
        let error = #expect(throws: DatasetError.self) { try IDXReader.readLabels(path: path) }
        #expect(error == .wrongDataLength(path: path, expected: 3, actual: 4))
        #expect(error?.description == "\(path): 1 unexpected byte after the 3 data bytes the header announces")
    }

    @Test("rejects a file too short for its header", arguments: [0, 3, 6, 15])
    func truncatedHeader(length: Int) throws {
        let full = IDX.header(magic: 0x0803, dimensions: [1, 1, 1])
        let path = folder.write(Array(full[0..<length]), to: "images")
        let error = #expect(throws: DatasetError.self) { try IDXReader.readImages(path: path) }
        #expect(error == .truncatedHeader(path: path, byteCount: length, headerSize: 16))
    }

    @Test("rejects images of zero size")
    func zeroSizedImages() throws {
        let path = folder.write(IDX.header(magic: 0x0803, dimensions: [5, 0, 28]), to: "images")
        let error = #expect(throws: DatasetError.self) { try IDXReader.readImages(path: path) }
        #expect(error == .invalidDimensions(path: path, detail: "images of 0×28 pixels"))
    }

    @Test("rejects a truncated gzip stream", arguments: [0.5, 0.9, 1.0])
    func truncatedGzip(keptFraction: Double) throws {
        let compressed = gzip(IDX.labelsFile(Array(repeating: 3, count: 5000) + (0..<5000).map { UInt8($0 % 10) }))
        // Keep a fraction of the data; 1.0 keeps all but the last byte of the trailer.
        let kept = keptFraction == 1.0 ? compressed.count - 1 : Int(Double(compressed.count) * keptFraction)
        let path = folder.write(Array(compressed[0..<kept]), to: "labels.gz")
        let error = #expect(throws: DatasetError.self) { try IDXReader.readLabels(path: path) }
        #expect(error == .truncatedGzip(path: path))
        #expect(error?.description == "\(path): truncated gzip stream")
    }

    @Test("rejects a corrupt gzip stream")
    func corruptGzip() throws {
        let compressed = gzip(IDX.labelsFile([1, 2, 3, 4, 5]))

        var badMethod = compressed
        badMethod[2] = 7  // compression method: only 8 (deflate) exists
        var badChecksum = compressed
        badChecksum[compressed.count - 6] ^= 0xFF  // inside the CRC-32 of the trailer
        let trailingGarbage = compressed + [0x00, 0x42]

        for (name, bytes, detail) in [
            ("method", badMethod, "unknown compression method"),
            ("crc", badChecksum, "incorrect data check"),
            ("garbage", trailingGarbage, "2 unexpected bytes after the end of the gzip data"),
        ] {
            let path = folder.write(bytes, to: name + ".gz")
            let error = #expect(throws: DatasetError.self) { try IDXReader.readLabels(path: path) }
            guard case .corruptGzip(let errorPath, let message) = error else {
                Issue.record("expected corruptGzip for \(name), got \(String(describing: error))")
                continue
            }
            #expect(errorPath == path)
            #expect(message.contains(detail), "\(name): \(message)")
        }
    }

    @Test("reports a missing file")
    func missingFile() throws {
        let path = folder.path + "/no-such-file"
        let error = #expect(throws: DatasetError.self) { try IDXReader.readLabels(path: path) }
        #expect(error == .unreadableFile(path: path, reason: "No such file or directory"))
        #expect(error?.description == "\(path): cannot read file: No such file or directory")
    }

    @Test("reports a folder in place of a file")
    func folderInPlaceOfFile() throws {
        let path = folder.subfolder("train-images-idx3-ubyte")
        let error = #expect(throws: DatasetError.self) { try IDXReader.readImages(path: path) }
        #expect(error == .unreadableFile(path: path, reason: "it is a folder"))
    }

    @Test("reports a file without read permission", .enabled(if: !ignoresFilePermissions, "root reads any file"))
    func permissionDenied() throws {
        let path = folder.write(IDX.labelsFile([1]), to: "labels")
        chmod(path, 0)
        let error = #expect(throws: DatasetError.self) { try IDXReader.readLabels(path: path) }
        #expect(error == .unreadableFile(path: path, reason: "Permission denied"))
    }
}
