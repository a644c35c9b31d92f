import Dispatch

/// Chooses, during each epoch, whether the kernels run on all threads or on
/// one, by timing both.
///
/// On a shared or virtual machine, the second CPU is sometimes not worth
/// having: when the host runs both virtual CPUs on one physical core, the two
/// halves of every product contend for it and a step takes longer than on one
/// thread (seen here: epochs of 1.1–1.5 s instead of 0.46 s with two threads
/// or 0.73 s with one, for tens of seconds at a time).
///
/// At the start of every epoch the tuner times `probeSteps` steps on all
/// (active) threads. When they beat the last probe of one thread by a clear
/// margin (``margin``), it keeps all threads for the epoch; otherwise (and in
/// the first epoch) it times as many steps on one thread and keeps the faster. While
/// it runs on one thread, it tries all threads again after ``reprobeInterval``
/// probes' worth of steps on one thread (comparing them with the epoch's
/// one-thread probe), so that it returns to them once the host does. Probing
/// one thread costs time (a step on one thread takes almost twice as long),
/// which is why it only happens when all threads look slow. Epochs shorter
/// than six probes are left on all threads.
///
/// The kernels split their work identically for any thread count, so results
/// do not change.
public struct ThreadCountTuner {
    public let threads: KernelThreads
    /// Steps timed in each probe.
    public let probeSteps: Int
    /// All threads are kept without probing one thread when their probe times
    /// this factor is still shorter than the last one-thread probe's.
    public static let margin = 1.25
    /// While on one thread, all threads are tried again every this many probes'
    /// worth of steps.
    public static let reprobeInterval = 16

    /// Nanoseconds since an arbitrary start, increasing.
    private let clock: () -> UInt64
    /// The pool's active thread count before tuning, restored by ``reset()``.
    private let initialActiveThreads: Int
    private var probeStart: UInt64 = 0
    /// The last probes' times (`probeSteps` steps each); one thread's over all
    /// epochs, nil before the first.
    private var allThreadsTime: UInt64 = 0
    private var oneThreadTime: UInt64?
    /// What the tuner is doing in the current epoch.
    private var phase = Phase.settled

    private enum Phase {
        /// Timing all threads since `probeStart` (`retry`: while settled on one thread).
        case probingAllThreads(retry: Bool)
        /// Timing one thread since `probeStart`.
        case probingOneThread
        /// Keeps all threads for the rest of the epoch.
        case settled
        /// On one thread; tries all threads again at step `nextProbe`.
        case onOneThread(nextProbe: Int)
    }

    /// A tuner of `threads`' active thread count, timing with `clock`
    /// (nanoseconds; the system's uptime clock unless given, for tests).
    public init(threads: KernelThreads = .shared, probeSteps: Int = 25,
                clock: @escaping () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        precondition(probeSteps > 0, "a probe times at least one step")
        self.threads = threads
        self.probeSteps = probeSteps
        self.clock = clock
        self.initialActiveThreads = threads.activeThreadCount
    }

    /// Call before step `step` (0-based) of an epoch of `steps` steps.
    public mutating func beforeStep(_ step: Int, of steps: Int) {
        guard initialActiveThreads > 1, steps >= 6 * probeSteps else { return }
        if step == 0 {
            threads.activeThreadCount = initialActiveThreads
            phase = .probingAllThreads(retry: false)
            probeStart = clock()
            return
        }
        switch phase {
        case .probingAllThreads(let retry) where step % probeSteps == 0:
            let now = clock()
            allThreadsTime = now - probeStart
            if retry {
                // Back to all threads if they now beat the epoch's one-thread probe.
                if allThreadsTime < oneThreadTime ?? .max {
                    phase = .settled
                } else {
                    threads.activeThreadCount = 1
                    phase = .onOneThread(nextProbe: step + Self.reprobeInterval * probeSteps)
                }
            } else if let oneThreadTime, Self.margin * Double(allThreadsTime) < Double(oneThreadTime) {
                phase = .settled
            } else {
                threads.activeThreadCount = 1
                phase = .probingOneThread
                probeStart = now
            }
        case .probingOneThread where step % probeSteps == 0:
            let oneThreadTime = clock() - probeStart
            self.oneThreadTime = oneThreadTime
            if oneThreadTime < allThreadsTime {
                phase = .onOneThread(nextProbe: step + Self.reprobeInterval * probeSteps)
            } else {
                threads.activeThreadCount = initialActiveThreads
                phase = .settled
            }
        case .onOneThread(let nextProbe) where step >= nextProbe && step + probeSteps < steps:
            threads.activeThreadCount = initialActiveThreads
            phase = .probingAllThreads(retry: true)
            probeStart = clock()
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
