import Foundation

/// A matrix product's shape: `C (m×n) = A (m×k) · B (k×n)`, row-major.
public struct MatrixShape: Hashable, Sendable, CustomStringConvertible {
    public var m: Int
    public var n: Int
    public var k: Int

    public init(m: Int, n: Int, k: Int) {
        self.m = m
        self.n = n
        self.k = k
    }

    /// `m×k · k×n`.
    public var description: String { "\(m)×\(k) · \(k)×\(n)" }
}

/// What the reference script (`scripts/matmul_reference.py`) measured: numpy's
/// float32 `matmul` on one thread, through the BLAS numpy was built with.
public struct MatmulReferenceResult: Decodable, Sendable {
    /// One timed shape.
    public struct Timing: Decodable, Sendable {
        public var m: Int
        public var n: Int
        public var k: Int
        public var secondsPerCall: Double
        public var gflops: Double

        public var shape: MatrixShape { MatrixShape(m: m, n: n, k: k) }

        enum CodingKeys: String, CodingKey {
            case m, n, k, gflops
            case secondsPerCall = "seconds_per_call"
        }
    }

    /// numpy's build configuration of its BLAS.
    public struct BLAS: Decodable, Sendable {
        /// e.g. "scipy-openblas".
        public var name: String
        /// e.g. "0.3.31.188.0".
        public var version: String
        /// OpenBLAS's configuration line, e.g. "OpenBLAS 0.3.31 … DYNAMIC_ARCH … Haswell MAX_THREADS=64".
        public var configuration: String
    }

    /// numpy's version.
    public var numpy: String
    public var blas: BLAS
    /// The core type whose kernels OpenBLAS ran (e.g. "SkylakeX", "Zen",
    /// "Haswell"), or "unknown" when the script could not tell (no threadpoolctl).
    public var kernel: String
    /// The BLAS's thread count as threadpoolctl reported it; nil when unknown.
    public var threads: Int?
    /// Variables the script removed from its environment before loading
    /// numpy, with the values they had (nil: not set).
    public var removedEnvironment: [String: String?]
    /// How each shape's calls were summed up: "median" or "fastest" (``Stopwatch/Statistic``).
    public var statistic: String
    public var shapes: [Timing]

    enum CodingKeys: String, CodingKey {
        case numpy, blas, kernel, threads, statistic, shapes
        case removedEnvironment = "removed_environment"
    }

    /// The timing of `shape`, if the script measured it.
    public func timing(of shape: MatrixShape) -> Timing? { shapes.first { $0.shape == shape } }

    /// Reads the script's output, checking that it timed every shape of
    /// `expected` with a positive, finite rate.
    public static func parse(_ data: Data, expected: [MatrixShape] = []) throws(MatmulReferenceError) -> MatmulReferenceResult {
        let result: MatmulReferenceResult
        do {
            result = try JSONDecoder().decode(MatmulReferenceResult.self, from: data)
        } catch {
            let text = String(decoding: data.prefix(120), as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
            throw .malformedOutput("not the expected JSON (\(describe(error))): \"\(text)\"")
        }
        for timing in result.shapes where !(timing.gflops.isFinite && timing.gflops > 0) {
            throw .malformedOutput("shape \(timing.shape) has a rate of \(timing.gflops) GFLOP/s")
        }
        for shape in expected where result.timing(of: shape) == nil {
            throw .missingShape(shape)
        }
        return result
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: "not JSON"
        default: "\(error)"
        }
    }
}

/// Why the reference script gave no result.
public enum MatmulReferenceError: Error, Equatable, CustomStringConvertible {
    /// The Python could not be started (no such file, not executable).
    case cannotStart(python: String, reason: String)
    /// The script ran and failed; `message` is the last line it wrote on stderr.
    case failed(python: String, status: Int32, message: String)
    /// The script's output is not the JSON it should print.
    case malformedOutput(String)
    /// The script did not time one of the shapes asked for.
    case missingShape(MatrixShape)

    public var description: String {
        switch self {
        case .cannotStart(let python, let reason):
            "\(python): cannot start it (\(reason))"
        case .failed(let python, let status, let message):
            "\(python): the matmul reference script failed (status \(status))" + (message.isEmpty ? "" : ": \(message)")
        case .malformedOutput(let reason):
            "the matmul reference script's output is \(reason)"
        case .missingShape(let shape):
            "the matmul reference script did not time \(shape)"
        }
    }
}

/// Runs `scripts/matmul_reference.py` in a child process and reads its JSON.
public enum MatmulReference {
    /// Runs `script` with `python` on `shapes`, timing each for at least
    /// `seconds` by `statistic`, and returns what it measured.
    ///
    /// The script pins the BLAS to one thread and removes
    /// `OPENBLAS_CORETYPE`/`OPENBLAS_L2_SIZE` in its own process; this
    /// process's environment is unchanged. Its stderr is kept for the error.
    public static func run(python: String, script: String, shapes: [MatrixShape],
                           seconds: Double,
                           statistic: Stopwatch.Statistic = .median) throws(MatmulReferenceError) -> MatmulReferenceResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let list = "[" + shapes.map { "[\($0.m), \($0.n), \($0.k)]" }.joined(separator: ", ") + "]"
        process.arguments = [script, "--shapes", list, "--seconds", String(seconds), "--statistic", statistic.rawValue]
        let stdout = Pipe()
        process.standardOutput = stdout
        // stderr into a file: a pipe read after stdout could fill and stall the child.
        let errorPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("optbench-matmul-reference-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).err").path
        guard FileManager.default.createFile(atPath: errorPath, contents: nil),
              let errorFile = FileHandle(forWritingAtPath: errorPath) else {
            throw .cannotStart(python: python, reason: "cannot create \(errorPath)")
        }
        defer {
            try? errorFile.close()
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        process.standardError = errorFile
        do {
            try process.run()
        } catch {
            throw .cannotStart(python: python, reason: startFailure(python))
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let messages = (FileManager.default.contents(atPath: errorPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let last = messages.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            throw .failed(python: python, status: process.terminationStatus, message: last)
        }
        let result = try MatmulReferenceResult.parse(output, expected: shapes)
        guard result.statistic == statistic.rawValue else {
            throw .malformedOutput("timed by \"\(result.statistic)\", not \"\(statistic.rawValue)\" as asked")
        }
        return result
    }

    /// Why `python` would not start, in words.
    private static func startFailure(_ python: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: python, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "a folder" }
        if !FileManager.default.isExecutableFile(atPath: python) { return "not executable" }
        return "not a program"
    }
}
