import Foundation

/// Wall-clock timing for benchmarks.
public enum Stopwatch {
    /// Seconds since an arbitrary fixed point, monotonic.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Runs `body` repeatedly for at least `minimumSeconds` (and at least
    /// `minimumRepetitions` times) after one warm-up call; returns the median
    /// seconds per call over batches of calls.
    public static func measure(minimumSeconds: Double = 0.3, minimumRepetitions: Int = 3, _ body: () -> Void) -> Double {
        body()
        // Choose a batch size that takes ~10 ms, then time batches.
        var reps = 1
        while true {
            let start = now()
            for _ in 0..<reps { body() }
            if now() - start > 0.01 || reps > 1 << 20 { break }
            reps *= 2
        }
        var samples: [Double] = []
        let deadline = now() + minimumSeconds
        while samples.count < minimumRepetitions || now() < deadline {
            let start = now()
            for _ in 0..<reps { body() }
            samples.append((now() - start) / Double(reps))
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}

/// The process's peak resident memory in bytes (`ru_maxrss`).
public func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss
    #endif
}
