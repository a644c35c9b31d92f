import Dispatch

/// Chooses, epoch by epoch, whether the kernels run on all threads or on one,
/// by timing both.
///
/// On a shared or virtual machine, the second CPU is sometimes not worth
/// having: when the host runs both virtual CPUs on one physical core, the two
/// halves of every product contend for it and a step takes longer than on one
/// thread (seen here: epochs of 1.1–1.5 s instead of 0.46 s with two threads
/// or 0.73 s with one, for tens of seconds at a time). At the start of every
/// epoch the tuner times `probeSteps` steps on all (active) threads, then as many on one
/// thread, and keeps the faster for the rest of the epoch. The kernels split
/// their work identically for any thread count, so results do not change.
public struct ThreadCountTuner {
    public let threads: KernelThreads
    /// Steps timed in each of the two probes.
    public let probeSteps: Int
    private var probeStart: UInt64 = 0
    private var allThreadsTime: UInt64 = 0
    /// The pool's active thread count before tuning, restored by ``reset()``.
    private let initialActiveThreads: Int

    public init(threads: KernelThreads = .shared, probeSteps: Int = 25) {
        self.threads = threads
        self.probeSteps = probeSteps
        self.initialActiveThreads = threads.activeThreadCount
    }

    /// Call before step `step` (0-based) of an epoch of `steps` steps.
    public mutating func beforeStep(_ step: Int, of steps: Int) {
        guard initialActiveThreads > 1, steps >= 6 * probeSteps else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        switch step {
        case 0:
            threads.activeThreadCount = initialActiveThreads
            probeStart = now
        case probeSteps:
            allThreadsTime = now - probeStart
            threads.activeThreadCount = 1
            probeStart = now
        case 2 * probeSteps:
            let oneThreadTime = now - probeStart
            threads.activeThreadCount = oneThreadTime < allThreadsTime ? 1 : initialActiveThreads
        default:
            break
        }
    }

    /// Restores the pool's active thread count from before tuning (call when
    /// training ends).
    public func reset() {
        threads.activeThreadCount = initialActiveThreads
    }
}
