/// Reads the IDX files of MNIST-style datasets, raw or gzip-compressed.
///
/// The IDX format is a big-endian header followed by the data:
///
/// ```
/// images (idx3): 00 00 08 03 | count | rows | columns | count*rows*columns bytes
/// labels (idx1): 00 00 08 01 | count                  | count bytes
/// ```
///
/// where each of `count`, `rows`, `columns` is a big-endian `UInt32`. Files are
/// gzip-decompressed when they start with the gzip signature, whatever their name.
///
/// The reader checks everything it relies on and throws a ``DatasetError`` naming
/// the file instead of trapping: the magic number (which encodes the element type
/// and the number of dimensions), the header length, and that the data has exactly
/// the announced length (a truncated file and trailing bytes are both errors).
///
/// ```swift
/// let images = try IDXReader.readImages(path: "/data/train-images-idx3-ubyte.gz")
/// let labels = try IDXReader.readLabels(path: "/data/train-labels-idx1-ubyte.gz")
/// print(images.count, images.rows, images.columns, labels.count)
/// ```
public enum IDXReader {
    /// The content of the file at `path`, gzip-decompressed if it starts with the
    /// gzip signature `0x1f 0x8b`.
    ///
    /// This is the byte stream that published SHA-256 checksums describe.
    public static func contents(ofFile path: String) throws(DatasetError) -> [UInt8] {
        let bytes = try FileBytes.read(path)
        guard GzipDecoder.isGzip(bytes) else { return bytes }
        return try GzipDecoder.decompress(bytes, path: path)
    }

    /// Reads an unsigned-byte, 3-dimensional IDX file (count, rows, columns).
    public static func readImages(path: String) throws(DatasetError) -> IDXImages {
        try parseImages(contents(ofFile: path), path: path)
    }

    /// Reads an unsigned-byte, 1-dimensional IDX file (count).
    public static func readLabels(path: String) throws(DatasetError) -> [UInt8] {
        try parseLabels(contents(ofFile: path), path: path)
    }

    /// Parses decompressed IDX images content.
    ///
    /// - Parameters:
    ///   - bytes: the whole decompressed file. Consumed, so that the pixels reuse
    ///     its storage instead of copying 47 MB.
    ///   - path: the file the bytes came from, for error messages.
    public static func parseImages(_ bytes: consuming [UInt8], path: String) throws(DatasetError) -> IDXImages {
        let dimensions = try parseHeader(bytes, magic: IDXMagic.images, path: path)
        let (count, rows, columns) = (dimensions[0], dimensions[1], dimensions[2])
        guard rows > 0, columns > 0 else {
            throw .invalidDimensions(path: path, detail: "images of \(rows)×\(columns) pixels")
        }
        let headerSize = 4 + 4 * dimensions.count
        let (perImage, overflow1) = rows.multipliedReportingOverflow(by: columns)
        let (dataSize, overflow2) = perImage.multipliedReportingOverflow(by: count)
        guard !overflow1, !overflow2 else {
            throw .invalidDimensions(path: path, detail: "\(count) images of \(rows)×\(columns) pixels is too large")
        }
        guard bytes.count - headerSize == dataSize else {
            throw .wrongDataLength(path: path, expected: dataSize, actual: bytes.count - headerSize)
        }
        bytes.removeSubrange(0..<headerSize)
        return IDXImages(pixels: bytes, count: count, rows: rows, columns: columns)
    }

    /// Parses decompressed IDX labels content.
    ///
    /// - Parameters:
    ///   - bytes: the whole decompressed file.
    ///   - path: the file the bytes came from, for error messages.
    public static func parseLabels(_ bytes: consuming [UInt8], path: String) throws(DatasetError) -> [UInt8] {
        let dimensions = try parseHeader(bytes, magic: IDXMagic.labels, path: path)
        let count = dimensions[0]
        let headerSize = 4 + 4 * dimensions.count
        guard bytes.count - headerSize == count else {
            throw .wrongDataLength(path: path, expected: count, actual: bytes.count - headerSize)
        }
        bytes.removeSubrange(0..<headerSize)
        return bytes
    }

    /// Checks the magic number and returns the dimensions that follow it.
    ///
    /// On return, `bytes` holds at least the whole header.
    private static func parseHeader(_ bytes: [UInt8], magic expected: UInt32, path: String)
        throws(DatasetError) -> [Int]
    {
        let dimensionCount = Int(expected & 0xFF)
        let headerSize = 4 + 4 * dimensionCount
        guard bytes.count >= 4 else {
            throw .truncatedHeader(path: path, byteCount: bytes.count, headerSize: headerSize)
        }
        let magic = bigEndianUInt32(bytes, at: 0)
        guard magic == expected else {
            throw .wrongMagicNumber(path: path, found: magic, expected: expected)
        }
        guard bytes.count >= headerSize else {
            throw .truncatedHeader(path: path, byteCount: bytes.count, headerSize: headerSize)
        }
        return (0..<dimensionCount).map { Int(bigEndianUInt32(bytes, at: 4 + 4 * $0)) }
    }

    /// The big-endian `UInt32` at `offset`; the caller checks the bounds.
    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
