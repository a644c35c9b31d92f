import OptBenchKernels
import Testing

/// The tuner's decisions on a fake clock: each step advances it by the step's
/// cost on the thread count the tuner chose, so nothing depends on timing.
/// Serialized: the tests share one pool, whose active thread count they set.
@Suite("Thread count tuner", .serialized)
struct ThreadCountTunerTests {
    /// Pools live as long as the process (their workers are never stopped).
    static let pool = KernelThreads(threadCount: 2)

    final class FakeClock {
        var now: UInt64 = 0
    }

    /// Runs `epochs` epochs of `steps` steps; `cost(epoch, step, activeThreads)`
    /// is a step's duration. Returns, per epoch, the active thread count of each step.
    static func run(epochs: Int, steps: Int, pool: KernelThreads,
                    cost: (_ epoch: Int, _ step: Int, _ threads: Int) -> UInt64) -> [[Int]] {
        let clock = FakeClock()
        var tuner = ThreadCountTuner(threads: pool, probeSteps: 25, clock: { clock.now })
        defer { tuner.reset() }
        return (0..<epochs).map { epoch in
            (0..<steps).map { step in
                tuner.beforeStep(step, of: steps)
                let threads = pool.activeThreadCount
                clock.now += cost(epoch, step, threads)
                return threads
            }
        }
    }

    @Test("two fast threads: probed against one in the first epoch only, then kept")
    func keepsFastThreads() {
        let pool = Self.pool
        let epochs = Self.run(epochs: 3, steps: 400, pool: pool) { _, _, threads in threads == 2 ? 100 : 180 }
        #expect(epochs[0][25..<50].allSatisfy { $0 == 1 }, "the first epoch probes one thread")
        #expect(epochs[0][50...].allSatisfy { $0 == 2 })
        #expect(epochs[1].allSatisfy { $0 == 2 } && epochs[2].allSatisfy { $0 == 2 },
                "later epochs as fast as the first keep both threads without probing")
        #expect(pool.activeThreadCount == 2)
    }

    @Test("a slow second CPU: one thread, until two are faster again")
    func fallsBackAndReturns() {
        let pool = Self.pool
        // Epoch 0 normal; in epoch 1 two threads are slow until step 600, then normal again.
        let epochs = Self.run(epochs: 2, steps: 1000, pool: pool) { epoch, step, threads in
            if threads == 1 { return 180 }
            return epoch == 1 && step < 600 ? 300 : 100
        }
        let slow = epochs[1]
        #expect(slow[0..<25].allSatisfy { $0 == 2 })
        #expect(slow[25..<50].allSatisfy { $0 == 1 }, "slower than the first epoch: one thread is probed")
        #expect(slow[50..<450].allSatisfy { $0 == 1 }, "and kept")
        #expect(slow[450..<475].allSatisfy { $0 == 2 }, "two threads are tried again")
        #expect(slow[475..<875].allSatisfy { $0 == 1 }, "still slow at step 450: back to one thread")
        #expect(slow[875..<900].allSatisfy { $0 == 2 })
        #expect(slow[900...].allSatisfy { $0 == 2 }, "fast again: two threads for the rest of the epoch")
    }

    /// Two threads slower than one for good: every epoch probes one thread
    /// again (its two-thread probe does not beat the one-thread probe) and
    /// runs on one.
    @Test("a second CPU slower for good: one thread in every epoch")
    func staysOnOneThread() {
        let epochs = Self.run(epochs: 3, steps: 400, pool: Self.pool) { _, _, threads in threads == 2 ? 300 : 180 }
        for (e, threads) in epochs.enumerated() {
            #expect(threads[0..<25].allSatisfy { $0 == 2 }, "epoch \(e) starts with the two-thread probe")
            #expect(threads[25...].allSatisfy { $0 == 1 }, "epoch \(e)")
        }
    }

    @Test("short epochs and one-thread pools are left alone")
    func leavesShortEpochsAlone() {
        let pool = Self.pool
        let short = Self.run(epochs: 2, steps: 149, pool: pool) { _, _, threads in threads == 2 ? 300 : 100 }
        #expect(short.allSatisfy { $0.allSatisfy { $0 == 2 } })
        let single = Self.run(epochs: 1, steps: 400, pool: .single) { _, _, _ in 100 }
        #expect(single[0].allSatisfy { $0 == 1 })
    }
}
