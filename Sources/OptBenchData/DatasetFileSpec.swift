/// What one dataset file must contain: its name, decompressed size and SHA-256.
///
/// The checksum describes the *decompressed* content, so a file verifies the same
/// whether it is stored raw or gzip-compressed (and whatever gzip level or
/// timestamp a mirror used when compressing it).
public struct DatasetFileSpec: Sendable, Equatable {
    /// File name without `.gz`, e.g. `train-images-idx3-ubyte`.
    public var fileName: String
    /// Size in bytes of the decompressed content.
    public var decompressedSize: Int
    /// SHA-256 of the decompressed content, 64 lowercase hexadecimal digits.
    public var sha256: String

    /// A specification from published values.
    public init(fileName: String, decompressedSize: Int, sha256: String) {
        self.fileName = fileName
        self.decompressedSize = decompressedSize
        self.sha256 = sha256
    }

    /// The specification that `content` (decompressed) satisfies: its size and
    /// SHA-256. For datasets of your own, and for tests.
    public init(fileName: String, content: [UInt8]) {
        self.init(fileName: fileName, decompressedSize: content.count, sha256: sha256Hex(content))
    }
}

extension DatasetFileSpec {
    /// Checks decompressed content against the published size and SHA-256.
    ///
    /// - Parameters:
    ///   - content: the decompressed bytes (see ``IDXReader/contents(ofFile:)``).
    ///   - path: the file or URL they came from, for error messages.
    /// - Throws: ``DatasetError/sizeMismatch(path:expected:actual:)`` or
    ///   ``DatasetError/checksumMismatch(path:expected:actual:)``.
    public func verify(_ content: [UInt8], path: String) throws(DatasetError) {
        guard content.count == decompressedSize else {
            throw .sizeMismatch(path: path, expected: decompressedSize, actual: content.count)
        }
        let actual = sha256Hex(content)
        guard actual == sha256.lowercased() else {
            throw .checksumMismatch(path: path, expected: sha256, actual: actual)
        }
    }
}
