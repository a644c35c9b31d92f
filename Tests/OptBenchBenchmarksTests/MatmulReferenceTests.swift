import Foundation
import OptBenchBenchmarks
import Testing

/// `scripts/matmul_reference.py` in this package.
private let referenceScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/matmul_reference.py").path

/// A `python3` on the PATH (or `OPTBENCH_TEST_PYTHON`) that can import numpy, or nil.
private let pythonWithNumpy: String? = {
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let given = environment["OPTBENCH_TEST_PYTHON"], !given.isEmpty { candidates.append(given) }
    for folder in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(folder)/python3") }
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: candidate)
        process.arguments = ["-c", "import numpy"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { continue }
        process.waitUntilExit()
        if process.terminationStatus == 0 { return candidate }
    }
    return nil
}()

/// Any `python3` (numpy not needed), or nil.
private let anyPython: String? = pythonWithNumpy ?? ["/usr/bin/python3", "/usr/local/bin/python3"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// A temporary executable shell script with `body`; removed by the caller.
private func fakePython(_ body: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("optbench-fake-python-\(UUID().uuidString)").path
    try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
}

private let sampleOutput = """
    {"numpy": "2.4.6", "python": "3.11.7", "blas": {"name": "scipy-openblas", "version": "0.3.31.188.0",
     "configuration": "OpenBLAS 0.3.31.188.0 DYNAMIC_ARCH Haswell MAX_THREADS=64"}, "kernel": "SkylakeX",
     "threads": 1, "removed_environment": {"OPENBLAS_CORETYPE": "Zen", "OPENBLAS_L2_SIZE": null}, "statistic": "median",
     "shapes": [{"m": 32, "n": 300, "k": 784, "seconds_per_call": 0.00025, "gflops": 60.2},
                {"m": 784, "n": 300, "k": 32, "seconds_per_call": 0.00024, "gflops": 62.7}]}
    """

@Suite("OpenBLAS reference (scripts/matmul_reference.py)")
struct MatmulReferenceTests {
    @Test("the script's JSON is read: BLAS, kernel, threads, removed variables and each shape's rate")
    func parsesOutput() throws {
        let shape = MatrixShape(m: 784, n: 300, k: 32)
        let result = try MatmulReferenceResult.parse(Data(sampleOutput.utf8), expected: [shape])
        #expect(result.numpy == "2.4.6")
        #expect(result.blas.name == "scipy-openblas" && result.blas.version == "0.3.31.188.0")
        #expect(result.kernel == "SkylakeX")
        #expect(result.threads == 1)
        #expect(result.removedEnvironment["OPENBLAS_CORETYPE"] == .some("Zen"))
        #expect(result.removedEnvironment["OPENBLAS_L2_SIZE"] == .some(nil))
        #expect(result.timing(of: shape)?.gflops == 62.7)
        #expect(result.timing(of: MatrixShape(m: 32, n: 300, k: 784))?.secondsPerCall == 0.00025)
        #expect(result.timing(of: MatrixShape(m: 300, n: 32, k: 784)) == nil)
    }

    @Test("output that is not the script's JSON, a missing shape or a rate that is not positive is an error")
    func rejectsBadOutput() {
        #expect(throws: MatmulReferenceError.missingShape(MatrixShape(m: 1, n: 2, k: 3))) {
            try MatmulReferenceResult.parse(Data(sampleOutput.utf8), expected: [MatrixShape(m: 1, n: 2, k: 3)])
        }
        for bad in ["", "Traceback (most recent call last):", #"{"numpy": "2.4.6"}"#,
                    sampleOutput.replacingOccurrences(of: "62.7", with: "0.0"),
                    sampleOutput.replacingOccurrences(of: #""gflops": 60.2"#, with: #""gflops": "fast""#)] {
            #expect {
                try MatmulReferenceResult.parse(Data(bad.utf8))
            } throws: { error in
                guard case MatmulReferenceError.malformedOutput = error else { return false }
                return true
            }
        }
    }

    @Test("a Python that does not exist cannot be started, and says so")
    func missingPython() {
        let python = "/nonexistent/optbench/python3"
        #expect(throws: MatmulReferenceError.cannotStart(python: python, reason: "no such file")) {
            try MatmulReference.run(python: python, script: referenceScript, shapes: [MatrixShape(m: 2, n: 2, k: 2)], seconds: 0.01)
        }
        #expect(MatmulReferenceError.cannotStart(python: python, reason: "no such file").description
                == "/nonexistent/optbench/python3: cannot start it (no such file)")
    }

    @Test("a Python that fails gives its status and its last line on stderr")
    func failingPython() throws {
        let python = try fakePython("echo 'Traceback (most recent call last):' >&2\necho \"ModuleNotFoundError: No module named 'numpy'\" >&2\nexit 3")
        defer { try? FileManager.default.removeItem(atPath: python) }
        let error = MatmulReferenceError.failed(python: python, status: 3, message: "ModuleNotFoundError: No module named 'numpy'")
        #expect(throws: error) {
            try MatmulReference.run(python: python, script: referenceScript, shapes: [MatrixShape(m: 2, n: 2, k: 2)], seconds: 0.01)
        }
        #expect(error.description.hasSuffix("failed (status 3): ModuleNotFoundError: No module named 'numpy'"))
    }

    @Test("a program that prints something else is refused as malformed output")
    func brokenPython() throws {
        let python = try fakePython("echo 'Python 2.7.18'")
        defer { try? FileManager.default.removeItem(atPath: python) }
        #expect {
            try MatmulReference.run(python: python, script: referenceScript, shapes: [MatrixShape(m: 2, n: 2, k: 2)], seconds: 0.01)
        } throws: { error in
            guard case MatmulReferenceError.malformedOutput(let reason) = error else { return false }
            return reason.contains("Python 2.7.18")
        }
    }

    @Test("the real script times every shape on one thread and names its BLAS",
          .enabled(if: pythonWithNumpy != nil, "no python3 with numpy on the PATH (or OPTBENCH_TEST_PYTHON)"))
    func realScript() throws {
        let shapes = [MatrixShape(m: 4, n: 8, k: 16), MatrixShape(m: 16, n: 8, k: 4)]
        for statistic in [Stopwatch.Statistic.median, .fastest] {
            let result = try MatmulReference.run(python: pythonWithNumpy!, script: referenceScript, shapes: shapes,
                                                 seconds: 0.01, statistic: statistic)
            #expect(result.statistic == statistic.rawValue)
            for shape in shapes {
                let timing = try #require(result.timing(of: shape))
                #expect(timing.gflops > 0 && timing.secondsPerCall > 0)
            }
        }
        let result = try MatmulReference.run(python: pythonWithNumpy!, script: referenceScript, shapes: shapes, seconds: 0.01)
        #expect(!result.numpy.isEmpty && !result.kernel.isEmpty && !result.blas.name.isEmpty)
        // threadpoolctl, when installed, sees the thread count the script set.
        if let threads = result.threads { #expect(threads == 1) }
        #expect(Set(result.removedEnvironment.keys) == ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"])
    }

    @Test("the script refuses a shape that is not three positive integers, in one line",
          .enabled(if: anyPython != nil, "no python3 to run the script with"))
    func scriptRejectsBadShape() throws {
        let python = anyPython!
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [referenceScript, "--shapes", "[[32, 0, 784]]"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message == "matmul_reference.py: --shapes: [32, 0, 784] is not [m, n, k] of positive integers\n")
    }
}

@Suite("Products against the peak and OpenBLAS")
struct ProductComparisonTests {
    @Test("each row divides by the peak and by OpenBLAS's rate on the same shape")
    func rows() throws {
        let forward = MatrixProductCase(name: "forward", m: 32, n: 300, k: 784, epilogue: "bias")
        let gradient = MatrixProductCase(name: "gradient", m: 784, n: 300, k: 32, epilogue: "none")
        let other = MatrixProductCase(name: "other", m: 5, n: 6, k: 7, epilogue: "none")
        // 2·32·300·784 flops in 1e-4 s: 150.528 GFLOP/s.
        let timings = [forward, gradient, other].map { MatrixProductTiming(product: $0, secondsPerCall: 1e-4) }
        let reference = try MatmulReferenceResult.parse(Data(sampleOutput.utf8))
        let rows = ProductComparison.rows(timings: timings, peakGflops: 200, reference: reference)
        #expect(rows.map(\.name) == ["forward", "gradient", "other"])
        #expect(abs(rows[0].gflops - 150.528) < 1e-9)
        #expect(abs(rows[0].fractionOfPeak! - 150.528 / 200) < 1e-12)
        #expect(rows[0].openBLASGflops == 60.2)
        #expect(abs(rows[0].ratio! - 150.528 / 60.2) < 1e-12)
        #expect(rows[1].openBLASGflops == 62.7)
        #expect(rows[2].openBLASGflops == nil && rows[2].ratio == nil)

        let alone = ProductComparison.rows(timings: timings, peakGflops: nil, reference: nil)
        #expect(alone.allSatisfy { $0.fractionOfPeak == nil && $0.openBLASGflops == nil && $0.ratio == nil })
    }
}
