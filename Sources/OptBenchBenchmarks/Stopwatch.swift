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

extension Stopwatch {
    /// How a timing sums up its repeated calls.
    public enum Statistic: String, Sendable {
        /// The median seconds per call over batches of calls (``measure(minimumSeconds:minimumRepetitions:_:)``).
        case median
        /// The fastest single call (``fastestCall(minimumSeconds:minimumCalls:_:)``).
        case fastest
    }

    /// Runs `body` after one warm-up call, one call at a time for at least
    /// `minimumSeconds` (and at least `minimumCalls` calls), and returns the
    /// seconds of the fastest call.
    ///
    /// Other work on the core, or an interruption, can only slow a call, so on
    /// a shared machine the fastest call is a steadier estimate of what the
    /// code can do than a median, as long as a call is much longer than the
    /// clock's resolution (tens of nanoseconds) and shorter than a time slice.
    public static func fastestCall(minimumSeconds: Double = 0.3, minimumCalls: Int = 20, _ body: () -> Void) -> Double {
        body()
        var fastest = Double.infinity
        var calls = 0
        let deadline = now() + minimumSeconds
        while calls < minimumCalls || now() < deadline {
            let start = now()
            body()
            fastest = min(fastest, now() - start)
            calls += 1
        }
        return fastest
    }

    /// Seconds per call of `body` by `statistic`.
    public static func time(_ statistic: Statistic, minimumSeconds: Double, _ body: () -> Void) -> Double {
        switch statistic {
        case .median: measure(minimumSeconds: minimumSeconds, body)
        case .fastest: fastestCall(minimumSeconds: minimumSeconds, body)
        }
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
