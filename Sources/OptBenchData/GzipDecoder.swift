import CZlib

/// Decompresses gzip data in memory with zlib.
///
/// Files are recognised as gzip by their first two bytes (`0x1f 0x8b`), never by
/// their name, so `train-images-idx3-ubyte` may be compressed and
/// `train-images-idx3-ubyte.gz` may not. Several gzip members in a row (what
/// `cat a.gz b.gz` produces) decompress to the concatenation of their contents,
/// as with `gzip -d`.
///
/// zlib is called on large buffers (the whole input, 1 MiB of output at a time),
/// so decompressing the 26 MB Fashion-MNIST training images takes a fraction of a
/// second even in a debug build: the work happens inside zlib, not in Swift loops.
enum GzipDecoder {
    /// Whether `bytes` start with the gzip signature `0x1f 0x8b`.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Size of each block of output handed to zlib.
    private static let chunkSize = 1 << 20

    /// Largest block of input handed to zlib at once (its counters are 32-bit).
    private static let maximumInputBlock = 1 << 30

    /// The decompressed content of the gzip data `compressed`.
    ///
    /// - Parameter path: the file the data came from, for error messages.
    /// - Throws: ``DatasetError/truncatedGzip(path:)`` when the data ends before
    ///   the end of a gzip member, ``DatasetError/corruptGzip(path:detail:)`` when
    ///   zlib rejects it or when non-gzip bytes follow the last member.
    static func decompress(_ compressed: [UInt8], path: String) throws(DatasetError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(sizeHint(compressed))

        var stream = z_stream()
        let status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw .corruptGzip(path: path, detail: "zlib could not start: \(describe(status, &stream))")
        }
        defer { inflateEnd(&stream) }

        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var consumed = 0  // input bytes zlib has taken so far

        try compressed.withUnsafeBufferPointer { (input) throws(DatasetError) in
            guard let inputBase = input.baseAddress else {
                throw DatasetError.truncatedGzip(path: path)
            }
            try chunk.withUnsafeMutableBufferPointer { (scratch) throws(DatasetError) in
                guard let scratchBase = scratch.baseAddress else { return }
                while true {
                    // Give zlib the rest of the input (in blocks of at most 1 GiB).
                    if stream.avail_in == 0 {
                        let block = min(input.count - consumed, maximumInputBlock)
                        stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
                        stream.avail_in = UInt32(block)
                        consumed += block
                    }
                    stream.next_out = scratchBase
                    stream.avail_out = UInt32(scratch.count)

                    let result = inflate(&stream, Z_NO_FLUSH)
                    let produced = scratch.count - Int(stream.avail_out)
                    output.append(contentsOf: UnsafeBufferPointer(start: scratchBase, count: produced))

                    switch result {
                    case Z_OK:
                        continue
                    case Z_STREAM_END:
                        // End of one gzip member: another may follow.
                        let remaining = Int(stream.avail_in) + (input.count - consumed)
                        if remaining == 0 { return }
                        let position = input.count - remaining
                        guard remaining >= 2, input[position] == 0x1F, input[position + 1] == 0x8B else {
                            let bytes = remaining == 1 ? "byte" : "bytes"
                            throw DatasetError.corruptGzip(
                                path: path, detail: "\(remaining) unexpected \(bytes) after the end of the gzip data")
                        }
                        let reset = inflateReset(&stream)
                        guard reset == Z_OK else {
                            throw DatasetError.corruptGzip(path: path, detail: describe(reset, &stream))
                        }
                    case Z_BUF_ERROR:
                        // No progress possible: with output space left, the input ran out.
                        if stream.avail_in == 0 && consumed == input.count {
                            throw DatasetError.truncatedGzip(path: path)
                        }
                        continue
                    default:
                        throw DatasetError.corruptGzip(path: path, detail: describe(result, &stream))
                    }
                }
            }
        }
        return output
    }

    /// The decompressed size recorded in the last gzip member's trailer (modulo
    /// 2³²), bounded so that a forged trailer cannot reserve absurd memory.
    private static func sizeHint(_ compressed: [UInt8]) -> Int {
        let n = compressed.count
        guard n >= 18 else { return 0 }
        // ISIZE: the last four bytes, little-endian.
        let recorded =
            Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8
            | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
        // Deflate cannot compress better than about 1032:1.
        return min(recorded, n * 1032)
    }

    /// zlib's message for a failed call, e.g. "incorrect header check".
    private static func describe(_ status: Int32, _ stream: inout z_stream) -> String {
        if let message = stream.msg {
            return "zlib: " + String(cString: message)
        }
        switch status {
        case Z_DATA_ERROR: return "zlib: invalid data"
        case Z_MEM_ERROR: return "zlib: out of memory"
        case Z_STREAM_ERROR: return "zlib: inconsistent stream state"
        case Z_VERSION_ERROR: return "zlib: incompatible library version"
        case Z_NEED_DICT: return "zlib: a preset dictionary is needed"
        default: return "zlib error \(status)"
        }
    }
}
