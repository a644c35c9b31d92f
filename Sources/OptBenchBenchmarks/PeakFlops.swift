import CKernelSupport
import OptBenchKernels

/// One core's peak rate of fused multiply-adds on each kernel path, measured
/// with a loop that keeps independent FMA chains in registers and touches no
/// memory (`optbench_peak_fma_loop` in `CKernelSupport`, `peak_flops.h`).
///
/// It is the ceiling a matrix product on that path can reach on one thread:
/// a product's GFLOP/s divided by it is the fraction of the core it uses.
/// Counting: one FMA on a vector of `L` floats is `2L` floating-point
/// operations, the same convention as a product's `2·m·n·k`.
public enum PeakFlops {
    /// Rounds of the loop per call: long enough that the clock's resolution
    /// and the call's overhead are negligible (16 Mi lanes' FMAs on AVX-512),
    /// short enough that many calls fit between two interruptions.
    static let iterationsPerCall = 1 << 16

    /// GFLOP/s of the calling thread on `path`, or nil when this CPU cannot run `path`.
    ///
    /// A peak is the best the core can do, so this is the fastest single call
    /// among those made over `minimumSeconds` (at least 20;
    /// ``Stopwatch/fastestCall(minimumSeconds:minimumCalls:_:)``).
    public static func gigaflops(path: KernelPath, minimumSeconds: Double = 0.3) -> Double? {
        guard path.isSupported else { return nil }
        var sink: Float = 0
        var flopsPerCall = 0.0
        let fastest = Stopwatch.fastestCall(minimumSeconds: minimumSeconds) {
            flopsPerCall = loop(path, iterations: iterationsPerCall, sink: &sink)
        }
        guard flopsPerCall > 0, fastest > 0, fastest.isFinite else { return nil }
        return flopsPerCall / fastest / 1e9
    }

    /// Runs the C loop of `path` for `iterations` rounds; the operations
    /// done, or 0 when this CPU cannot run `path` (see `peak_flops.h`).
    public static func loop(_ path: KernelPath, iterations: Int, sink: inout Float) -> Double {
        let cPath: optbench_kernel_path
        switch path {
        case .avx512: cPath = OPTBENCH_PATH_AVX512
        case .avx2: cPath = OPTBENCH_PATH_AVX2
        case .portable: cPath = OPTBENCH_PATH_PORTABLE
        }
        return optbench_peak_fma_loop(cPath, iterations, &sink)
    }
}
