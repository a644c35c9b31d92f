import CZlib
import Foundation
import OptBenchData

/// A fresh folder under the system's temporary folder, deleted with the value.
final class TemporaryDirectory {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/optbench-data-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        // Restore permissions a test may have removed, then delete everything.
        if let items = FileManager.default.enumerator(atPath: path) {
            for case let item as String in items {
                chmod(path + "/" + item, 0o755)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`, creating intermediate folders.
    func subfolder(_ relative: String) -> String {
        let folder = path + "/" + relative
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes `bytes` to `path/name` and returns the full path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }

    /// Names of the entries in `folder`, sorted.
    static func contents(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}

/// Builders of small IDX files.
enum IDX {
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// Magic number and dimensions.
    static func header(magic: UInt32, dimensions: [Int]) -> [UInt8] {
        bigEndian(magic) + dimensions.flatMap { bigEndian(UInt32($0)) }
    }

    /// Deterministic pixels: image i, pixel j has value (7i + 3j + seed) mod 256.
    static func pixels(count: Int, rows: Int, columns: Int, seed: Int = 0) -> [UInt8] {
        let size = rows * columns
        return (0..<count * size).map { UInt8((7 * ($0 / size) + 3 * ($0 % size) + seed) % 256) }
    }

    /// A complete idx3 images file for `pixels`.
    static func imagesFile(_ pixels: [UInt8], count: Int, rows: Int, columns: Int) -> [UInt8] {
        header(magic: 0x0803, dimensions: [count, rows, columns]) + pixels
    }

    /// A complete idx1 labels file.
    static func labelsFile(_ labels: [UInt8]) -> [UInt8] {
        header(magic: 0x0801, dimensions: [labels.count]) + labels
    }
}

/// gzip-compresses `bytes` with zlib (`deflateInit2`, windowBits 15 + 16 = gzip wrapper).
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    guard
        deflateInit2_(
            &stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            == Z_OK
    else { return [] }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    var input = bytes
    let produced = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = UInt32(outBuffer.count)
            guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return 0 }
            return outBuffer.count - Int(stream.avail_out)
        }
    }
    return Array(output[0..<produced])
}

/// A small synthetic MNIST-style dataset: its file contents and matching manifest.
struct SyntheticDataset {
    var trainPixels: [UInt8]
    var trainLabels: [UInt8]
    var testPixels: [UInt8]
    var testLabels: [UInt8]
    var rows = 3
    var columns = 2
    var classCount = 10
    var mirrors = ["https://mirror-a.invalid/data/", "https://mirror-b.invalid/data/"]

    init(trainCount: Int = 6, testCount: Int = 4, rows: Int = 3, columns: Int = 2) {
        self.rows = rows
        self.columns = columns
        trainPixels = IDX.pixels(count: trainCount, rows: rows, columns: columns, seed: 1)
        trainLabels = (0..<trainCount).map { UInt8($0 % 10) }
        testPixels = IDX.pixels(count: testCount, rows: rows, columns: columns, seed: 2)
        testLabels = (0..<testCount).map { UInt8(9 - $0 % 10) }
    }

    /// Decompressed content of each file.
    func content(_ file: DatasetFile) -> [UInt8] {
        switch file {
        case .trainImages:
            return IDX.imagesFile(trainPixels, count: trainLabels.count, rows: rows, columns: columns)
        case .trainLabels:
            return IDX.labelsFile(trainLabels)
        case .testImages:
            return IDX.imagesFile(testPixels, count: testLabels.count, rows: rows, columns: columns)
        case .testLabels:
            return IDX.labelsFile(testLabels)
        }
    }

    /// A manifest whose sizes and checksums match ``content(_:)``.
    var manifest: DatasetManifest {
        func spec(_ file: DatasetFile) -> DatasetFileSpec {
            DatasetFileSpec(fileName: file.fileName, content: content(file))
        }
        return DatasetManifest(
            name: "tiny", classNames: (0..<classCount).map { "class \($0)" },
            trainImages: spec(.trainImages), trainLabels: spec(.trainLabels),
            testImages: spec(.testImages), testLabels: spec(.testLabels),
            mirrors: mirrors, unavailableAdvice: "pass --data-dir DIR with the four tiny files")
    }

    /// Writes the four files into `folder` (gzip-compressed ones named `.gz`).
    @discardableResult
    func write(into folder: String, compressed: Set<DatasetFile> = [], except missing: Set<DatasetFile> = [])
        -> DatasetLocation
    {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var paths: [DatasetFile: String] = [:]
        for file in DatasetFile.allCases where !missing.contains(file) {
            let gz = compressed.contains(file)
            let path = folder + "/" + file.fileName + (gz ? ".gz" : "")
            _ = FileManager.default.createFile(atPath: path, contents: Data(gz ? gzip(content(file)) : content(file)))
            paths[file] = path
        }
        return DatasetLocation(
            directory: folder, source: .dataDirectoryOption,
            trainImages: paths[.trainImages] ?? "", trainLabels: paths[.trainLabels] ?? "",
            testImages: paths[.testImages] ?? "", testLabels: paths[.testLabels] ?? "")
    }
}

/// An environment whose every search place is inside `folder`.
func isolatedEnvironment(in folder: TemporaryDirectory, variables: [String: String] = [:]) -> DatasetEnvironment {
    DatasetEnvironment(
        variables: variables, homeDirectory: folder.subfolder("home"),
        systemDatasetsDirectory: folder.subfolder("usr-share-datasets"))
}

/// Whether this process can read files whatever their permissions (root can).
let ignoresFilePermissions: Bool = getuid() == 0
