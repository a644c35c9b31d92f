/// Everything that can go wrong while finding, downloading or reading a dataset.
///
/// Every case names the file (full path), folder or URL concerned, and its
/// ``description`` is one line that says what is wrong, so a command-line tool
/// can print it as is:
///
/// ```
/// /x/train-images-idx3-ubyte.gz: truncated gzip stream
/// /x/t10k-labels-idx1-ubyte: label 12 at index 5 is outside the 10 classes
/// ```
public enum DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be opened or read (missing, no permission, a folder…).
    case unreadableFile(path: String, reason: String)
    /// The gzip stream ends before its end marker: the file was cut short.
    case truncatedGzip(path: String)
    /// zlib rejected the gzip stream (bad header, bad checksum, bad data).
    case corruptGzip(path: String, detail: String)
    /// The (decompressed) content is shorter than the IDX header it needs.
    case truncatedHeader(path: String, byteCount: Int, headerSize: Int)
    /// The first four bytes are not the IDX magic number expected for this file.
    ///
    /// The magic number holds two zero bytes, the element type (0x08 is unsigned
    /// byte) and the number of dimensions, so this case covers a file that is not
    /// IDX at all, a wrong element type and a wrong number of dimensions.
    case wrongMagicNumber(path: String, found: UInt32, expected: UInt32)
    /// A dimension in the header is unusable (zero image size, or too large).
    case invalidDimensions(path: String, detail: String)
    /// The data after the header does not have the length the header announces.
    case wrongDataLength(path: String, expected: Int, actual: Int)
    /// The images file and the labels file of one split disagree on the count.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
    /// A label is not the index of one of the dataset's classes.
    case labelOutOfRange(path: String, index: Int, label: UInt8, classCount: Int)
    /// Training and test images do not have the same size.
    case imageSizeMismatch(trainPath: String, trainSize: ImageSize, testPath: String, testSize: ImageSize)
    /// A folder named by the user (option or environment variable) does not exist.
    case missingDirectory(path: String, origin: String)
    /// A folder named by the user lacks some of the dataset's files.
    case incompleteDirectory(path: String, origin: String, missing: [String])
    /// Decompressed content does not have the published size.
    case sizeMismatch(path: String, expected: Int, actual: Int)
    /// Decompressed content does not have the published SHA-256.
    case checksumMismatch(path: String, expected: String, actual: String)
    /// The download cache could not be written.
    case cacheWriteFailed(path: String, reason: String)
    /// Every mirror failed for one file; `advice` says how to get the data instead.
    case downloadFailed(dataset: String, file: String, failures: [String], advice: String)

    /// Height and width of an image, in pixels.
    public struct ImageSize: Sendable, Equatable, CustomStringConvertible {
        /// Height in pixels.
        public var rows: Int
        /// Width in pixels.
        public var columns: Int
        /// A size of `rows` × `columns` pixels.
        public init(rows: Int, columns: Int) {
            self.rows = rows
            self.columns = columns
        }
        public var description: String { "\(rows)×\(columns)" }
    }

    /// One line naming the file, folder or URL and what is wrong with it.
    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "\(path): cannot read file: \(reason)"
        case .truncatedGzip(let path):
            return "\(path): truncated gzip stream"
        case .corruptGzip(let path, let detail):
            return "\(path): corrupt gzip stream (\(detail))"
        case .truncatedHeader(let path, let byteCount, let headerSize):
            return "\(path): truncated IDX header: \(byteCount) bytes, the header needs \(headerSize)"
        case .wrongMagicNumber(let path, let found, let expected):
            return "\(path): wrong IDX magic number \(IDXMagic.hex(found)) \(IDXMagic.explain(found)), "
                + "expected \(IDXMagic.hex(expected)) \(IDXMagic.explain(expected))"
        case .invalidDimensions(let path, let detail):
            return "\(path): invalid IDX dimensions: \(detail)"
        case .wrongDataLength(let path, let expected, let actual):
            if actual < expected {
                return
                    "\(path): truncated IDX data: the header announces \(expected) data bytes, the file holds \(actual)"
            }
            let extra = actual - expected
            return "\(path): \(extra) unexpected byte\(extra == 1 ? "" : "s") after the \(expected) data bytes "
                + "the header announces"
        case .countMismatch(let imagesPath, let imageCount, let labelsPath, let labelCount):
            return "\(imageCount) images in \(imagesPath) but \(labelCount) labels in \(labelsPath)"
        case .labelOutOfRange(let path, let index, let label, let classCount):
            return "\(path): label \(label) at index \(index) is outside the \(classCount) classes"
        case .imageSizeMismatch(let trainPath, let trainSize, let testPath, let testSize):
            return "training images are \(trainSize) in \(trainPath) but test images are \(testSize) in \(testPath)"
        case .missingDirectory(let path, let origin):
            return "\(path): no such folder (given by \(origin))"
        case .incompleteDirectory(let path, let origin, let missing):
            let names = missing.joined(separator: ", ")
            return "\(path): missing \(names) (each as NAME or NAME.gz; folder given by \(origin))"
        case .sizeMismatch(let path, let expected, let actual):
            return "\(path): decompressed size is \(actual) bytes, expected \(expected)"
        case .checksumMismatch(let path, let expected, let actual):
            return "\(path): SHA-256 of the decompressed content is \(actual), expected \(expected)"
        case .cacheWriteFailed(let path, let reason):
            return "\(path): cannot write the download cache: \(reason)"
        case .downloadFailed(let dataset, let file, let failures, let advice):
            return "cannot find \(dataset) locally and could not download \(file) "
                + "(\(failures.joined(separator: "; "))); \(advice)"
        }
    }
}
