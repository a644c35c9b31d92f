import CKernelSupport
import Foundation
import OptBenchKernels

/// How long a cache line takes to go from one of the pool's threads to
/// another and back: a flag bounced between the first two threads of a
/// ``KernelThreads`` pool (thread 0 writes `2r + 1`, thread 1 answers
/// `2r + 2`, for `rounds` rounds).
///
/// A training step passes partial sums, activations and deltas between its
/// two threads several times, so it slows when this grows. On a virtual
/// machine the host may place the two CPUs on one die (tens of nanoseconds)
/// or on two (hundreds); the benchmark prints it next to its timings so that
/// a slow run can be told from a slow machine.
public enum CoreToCoreLatency {
    /// The median round trip in nanoseconds over three runs of `rounds`
    /// rounds each, or nil when the pool has fewer than two threads.
    public static func roundTripNanoseconds(threads: KernelThreads = .shared, rounds: Int = 20_000) -> Double? {
        guard threads.activeThreadCount >= 2, rounds > 0 else { return nil }
        // The flag alone on its cache line.
        let line = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 64)
        defer { line.deallocate() }
        let flag = line.bindMemory(to: Int.self, capacity: 16)
        var samples: [Double] = []
        for _ in 0..<3 {
            flag.pointee = 0
            var seconds = 0.0
            threads.withPinnedCaller {
                threads.run(parts: 2) { part in
                    if part == 0 {
                        let start = Stopwatch.now()
                        for round in 0..<rounds {
                            optbench_store_release(flag, 2 * round + 1)
                            waitUntil(flag, holds: 2 * round + 2)
                        }
                        seconds = Stopwatch.now() - start
                    } else {
                        for round in 0..<rounds {
                            waitUntil(flag, holds: 2 * round + 1)
                            optbench_store_release(flag, 2 * round + 2)
                        }
                    }
                }
            }
            samples.append(seconds / Double(rounds) * 1e9)
        }
        return samples.sorted()[1]
    }

    /// Spins until `flag` holds `value`, yielding the CPU now and then in
    /// case the other thread needs this very CPU (unpinned, or more threads
    /// than CPUs).
    private static func waitUntil(_ flag: UnsafeMutablePointer<Int>, holds value: Int) {
        var spins = 0
        while optbench_load_acquire(flag) != value {
            optbench_cpu_relax()
            spins &+= 1
            if spins > 4_000 { sched_yield() }
        }
    }
}
