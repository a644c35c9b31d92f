import CZlib
import Foundation
import OptBench
import Testing

// MARK: - Running the tool

/// The `optbench` executable that SwiftPM built next to this test bundle.
///
/// On Linux the test bundle is an executable (`OptBenchPackageTests.xctest`) in
/// the build folder, `CommandLine.arguments[0]`; on macOS it is a bundle in the
/// same folder. `OPTBENCH_BINARY` overrides the search.
let optbenchBinary: String? = {
    if let path = ProcessInfo.processInfo.environment["OPTBENCH_BINARY"], !path.isEmpty { return path }
    var folders: [URL] = []
    let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    folders.append(argument0.deletingLastPathComponent())
    folders.append(Bundle.main.bundleURL)
    folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        folders.append(bundle.bundleURL.deletingLastPathComponent())
    }
    for folder in folders {
        let candidate = folder.appendingPathComponent("optbench").path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
           FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
    }
    return nil
}()

/// What one run of the tool did.
struct ToolRun: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool

    var description: String { "exit status \(status)\(timedOut ? " (timed out)" : "")\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastIfEmpty() }
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastIfEmpty() }
}

extension Array where Element == String {
    func dropLastIfEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}

/// A fresh folder under the system's temporary folder, deleted with the value.
final class Sandbox: @unchecked Sendable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.path + "/optbench-cli-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path + "/home", withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: path + "/cwd", withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    /// Whether anything exists at `path/name`.
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// Runs `optbench arguments` with this sandbox's `cwd` as working folder and
    /// `home` as `$HOME` (so that no real data folder, cache or `results/` is
    /// used), stdout and stderr captured, stopped after `timeout` seconds.
    func run(_ arguments: [String], timeout: Double = 60) throws -> ToolRun {
        let binary = try #require(optbenchBinary, "the optbench executable was not found next to the test bundle")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: file("cwd"))
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = file("home")
        environment["OPTBENCH_DATA_DIR"] = nil
        environment["KERAS_HOME"] = nil
        process.environment = environment
        let id = UUID().uuidString
        let outPath = file(".stdout-\(id)"), errPath = file(".stderr-\(id)")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            finished.wait()
        }
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        return ToolRun(status: process.terminationStatus,
                       stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                       timedOut: timedOut)
    }

    /// Entries of `path/name` (hidden ones included), sorted.
    func contents(of name: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: file(name))) ?? []).sorted()
    }
}

// MARK: - Small IDX datasets

/// Builders of small IDX files.
enum IDX {
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func header(magic: UInt32, dimensions: [Int]) -> [UInt8] {
        bigEndian(magic) + dimensions.flatMap { bigEndian(UInt32($0)) }
    }

    static func imagesFile(_ pixels: [UInt8], count: Int, rows: Int, columns: Int) -> [UInt8] {
        header(magic: 0x0803, dimensions: [count, rows, columns]) + pixels
    }

    static func labelsFile(_ labels: [UInt8]) -> [UInt8] {
        header(magic: 0x0801, dimensions: [labels.count]) + labels
    }
}

/// gzip-compresses `bytes` with zlib (`deflateInit2`, windowBits 15 + 16 = gzip wrapper).
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    guard
        deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
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

/// A small, easy MNIST-style dataset of `side`×`side` images in 10 classes
/// (the pixels `j` with `j % 10 == class` are bright, every pixel is noisy),
/// written as the four IDX files.
struct SyntheticIDX {
    var side = 8
    var trainLabels: [UInt8]
    var testLabels: [UInt8]
    var trainPixels: [UInt8]
    var testPixels: [UInt8]

    init(trainCount: Int = 300, testCount: Int = 60, side: Int = 8, seed: UInt64 = 11) {
        self.side = side
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        func images(_ count: Int) -> ([UInt8], [UInt8]) {
            var pixels: [UInt8] = []
            var labels: [UInt8] = []
            for _ in 0..<count {
                let label = next() % 10
                labels.append(UInt8(label))
                for j in 0..<(side * side) {
                    let noise = next() % 90
                    pixels.append(UInt8(j % 10 == label ? 160 + noise : noise))
                }
            }
            return (pixels, labels)
        }
        (trainPixels, trainLabels) = images(trainCount)
        (testPixels, testLabels) = images(testCount)
    }

    func content(_ file: DatasetFile) -> [UInt8] {
        switch file {
        case .trainImages: return IDX.imagesFile(trainPixels, count: trainLabels.count, rows: side, columns: side)
        case .trainLabels: return IDX.labelsFile(trainLabels)
        case .testImages: return IDX.imagesFile(testPixels, count: testLabels.count, rows: side, columns: side)
        case .testLabels: return IDX.labelsFile(testLabels)
        }
    }

    /// Writes the four files into `folder` (the `compressed` ones gzipped, named `.gz`),
    /// leaving out `missing`, with `replace` overriding a file's bytes as written.
    func write(into folder: String, compressed: Set<DatasetFile> = [.trainImages, .testImages],
               except missing: Set<DatasetFile> = [], replace: [DatasetFile: [UInt8]] = [:]) {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in DatasetFile.allCases where !missing.contains(file) {
            let gz = compressed.contains(file)
            let bytes = replace[file] ?? (gz ? gzip(content(file)) : content(file))
            let path = folder + "/" + file.fileName + (gz ? ".gz" : "")
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        }
    }
}
