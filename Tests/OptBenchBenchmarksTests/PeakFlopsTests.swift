import OptBenchBenchmarks
import OptBenchKernels
import Testing

@Suite("One core's peak and the CPU report")
struct PeakFlopsTests {
    /// The register-only FMA loop of a path the CPU supports runs and yields a
    /// positive, finite rate; what it measures is not asserted.
    private func expectPositivePeak(_ path: KernelPath) {
        let gflops = PeakFlops.gigaflops(path: path, minimumSeconds: 0.01)
        #expect(gflops != nil)
        if let gflops { #expect(gflops > 0 && gflops.isFinite) }
    }

    @Test("the AVX-512 peak loop gives a positive rate",
          .enabled(if: KernelPath.avx512.isSupported, "this CPU has no AVX-512 F/VL/DQ/BW"))
    func peakAVX512() { expectPositivePeak(.avx512) }

    @Test("the AVX2 peak loop gives a positive rate",
          .enabled(if: KernelPath.avx2.isSupported, "this CPU has no AVX2 with FMA"))
    func peakAVX2() { expectPositivePeak(.avx2) }

    @Test("the portable peak loop gives a positive rate")
    func peakPortable() { expectPositivePeak(.portable) }

    @Test("a path the CPU lacks gives no peak and the C loop does no work",
          .enabled(if: KernelPath.allCases.contains { !$0.isSupported },
                   "this CPU supports every path; nothing to refuse"))
    func peakOnUnsupportedPath() {
        for path in KernelPath.allCases where !path.isSupported {
            #expect(PeakFlops.gigaflops(path: path, minimumSeconds: 0.01) == nil)
            var sink: Float = 1
            #expect(PeakFlops.loop(path, iterations: 1_000, sink: &sink) == 0)
        }
    }

    /// The loop counts 2 operations per lane per FMA: 16 chains × 16 lanes on
    /// AVX-512, 12 × 8 on AVX2, 16 scalars on the portable path; its chains
    /// converge to b / (1 − a) = 1, so their sum is the chain count.
    @Test("the peak loop counts its operations and computes what it says")
    func peakLoopCounts() {
        let expected: [(KernelPath, Double, Float)] = [
            (.avx512, 2 * 16 * 16, 16 * 16), (.avx2, 2 * 12 * 8, 12 * 8), (.portable, 2 * 16, 16),
        ]
        for (path, flopsPerIteration, chains) in expected where path.isSupported {
            var sink: Float = 0
            #expect(PeakFlops.loop(path, iterations: 50_000, sink: &sink) == flopsPerIteration * 50_000, "\(path)")
            #expect(abs(sink - chains) < chains * 1e-3, "\(path): \(sink)")
            #expect(PeakFlops.loop(path, iterations: 0, sink: &sink) == 0)
        }
    }

    @Test("the CPU report names the CPU, its features and the path the kernels run")
    func reportNamesPath() {
        let report = CPUReport.current(environment: [:])
        #expect(report.chosenPath == KernelPath.current)
        #expect(report.supportedPaths == KernelPath.supported)
        #expect(report.supportedPaths.contains(.portable))
        #expect(!report.modelName.isEmpty)
        #expect(report.lines.count == 3)
        #expect(report.lines[0] == "CPU: \(report.modelName)")
        #expect(report.lines[2].hasPrefix("kernel path: \(KernelPath.current) ("))
        #if arch(x86_64)
        #expect(report.features.contains("sse2"))
        if report.chosenPath == .avx512 { #expect(report.features.contains("avx512f")) }
        if report.chosenPath == .avx2 { #expect(report.features.contains("avx2") && report.features.contains("fma")) }
        #endif
    }

    @Test("the report says when OPTBENCH_KERNELS chose the path")
    func reportNamesOverride() {
        let path = KernelPath.current
        let named = CPUReport.current(environment: ["OPTBENCH_KERNELS": path.rawValue])
        #expect(named.lines[2] == "kernel path: \(path) (chosen by OPTBENCH_KERNELS=\(path))")
        if path == KernelPath.best {
            #expect(CPUReport.current(environment: [:]).reason.hasPrefix("the fastest this CPU supports"))
        }
    }
}

@Suite("Stopwatch")
struct StopwatchTests {
    @Test("the fastest call is timed over at least the calls asked for, after a warm-up, and is positive")
    func fastestCall() {
        var calls = 0
        let seconds = Stopwatch.fastestCall(minimumSeconds: 0, minimumCalls: 7) {
            calls += 1
            var x = 0.0
            for i in 0..<1_000 { x += Double(i) }
            precondition(x > 0)
        }
        #expect(calls == 8)
        #expect(seconds > 0 && seconds.isFinite)
        calls = 0
        _ = Stopwatch.time(.fastest, minimumSeconds: 0) { calls += 1 }
        #expect(calls == 21)
    }
}
