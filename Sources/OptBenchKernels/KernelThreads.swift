import CKernelSupport
import Dispatch
import Foundation
import Synchronization

/// The threads that the kernels split their work across: the calling thread
/// plus `threadCount − 1` persistent workers.
///
/// A training step of the reference model is only about half a millisecond of
/// work, split into a dozen kernels, so handing work to a thread must cost
/// microseconds: workers spin on an atomic generation counter for 20 ms
/// after each job, and only then sleep on a semaphore.
///
/// Every kernel splits its work into parts that compute disjoint outputs with
/// the same arithmetic in the same order as a single thread would (or, in a
/// pipeline, continue each other's sums in a fixed order), so results are
/// identical, bit for bit, for any thread count and any timing.
public final class KernelThreads: @unchecked Sendable {
    /// The process-wide pool, sized by `OPTBENCH_THREADS` or else the number of
    /// active processors (at most 8).
    public static let shared = KernelThreads(threadCount: KernelThreads.defaultThreadCount)

    /// A pool without workers: every job runs on its caller. For kernels called
    /// inside a part of another pool's job (jobs do not nest), from any thread.
    public static let single = KernelThreads(threadCount: 1)

    /// `OPTBENCH_THREADS` if set to a positive number, else the active
    /// processor count, capped at 8.
    public static var defaultThreadCount: Int {
        if let text = ProcessInfo.processInfo.environment["OPTBENCH_THREADS"], let n = Int(text), n > 0 { return min(n, 64) }
        return max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// How long a worker spins without a job before it sleeps: 20 ms, long
    /// enough to span any gap inside a training step or between epochs.
    static let idleNanoseconds: UInt64 = 20_000_000

    /// Threads that take part in a job, the caller included.
    public let threadCount: Int

    /// Whether worker `i` is pinned to the `i`-th allowed CPU (and callers to
    /// the first, inside ``withPinnedCaller(_:)``). Without pinning, Linux now and
    /// then runs two spinning threads on one CPU, which made whole epochs
    /// 2–4× slower at random. Pinning applies when the pool has no more
    /// threads than allowed CPUs; `OPTBENCH_PIN=0` turns it off.
    let pinsThreads: Bool

    private let active: Atomic<Int>
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// Per worker: whether it sleeps, and the semaphore that wakes it.
    private final class WorkerSlot: Sendable {
        let sleeping = Atomic<Int>(0)
        let wakeup = DispatchSemaphore(value: 0)
    }
    private let slots: [WorkerSlot]
    /// The current job: where the caller keeps it, its type, and how its parts
    /// map to threads. Written by the caller before `generation` is bumped;
    /// stored as fields rather than captured in a new closure, so that handing
    /// out a job allocates nothing.
    private var jobAddress: UnsafeRawPointer?
    private var jobType: (any KernelJob.Type)?
    private var jobParts = 0
    private var jobActive = 0
    private var jobFlushesToZero = false
    /// Serialises callers: one job at a time.
    private let callerLock = Mutex<Void>(())

    /// A pool with `threadCount − 1` worker threads.
    public init(threadCount: Int) {
        precondition(threadCount >= 1)
        self.threadCount = threadCount
        active = Atomic<Int>(threadCount)
        let allowed = Int(optbench_allowed_cpu_count())
        pinsThreads = threadCount > 1 && allowed >= threadCount
            && ProcessInfo.processInfo.environment["OPTBENCH_PIN"] != "0"
        slots = (0..<threadCount).map { _ in WorkerSlot() }
        for worker in 1..<max(threadCount, 1) {
            // The worker keeps its pool alive: a pool's threads run as long as the
            // process, so a pool with workers is never freed under them.
            let thread = Thread { self.workerLoop(worker) }
            thread.name = "optbench-kernel-\(worker)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body` with the calling thread pinned to the first allowed CPU (the
    /// workers have the others), then restores its affinity. Long
    /// computations that call the kernels many times (a training run) use
    /// this, so that the caller never shares a CPU with a spinning worker.
    public func withPinnedCaller<R>(_ body: () throws -> R) rethrows -> R {
        guard pinsThreads else { return try body() }
        let saved = optbench_save_affinity()
        _ = optbench_pin_to_allowed_cpu(0)
        defer { optbench_restore_affinity(saved) }
        return try body()
    }

    /// How many of the threads jobs use now (1...``threadCount``). Results do
    /// not depend on it, only speed; ``ThreadCountTuner`` sets it.
    public var activeThreadCount: Int {
        get { active.load(ordering: .relaxed) }
        set { active.store(max(1, min(threadCount, newValue)), ordering: .relaxed) }
    }

    /// Runs `job.run(part:)` for every `part` in `0..<parts` and returns when
    /// all are done: part `p` runs on thread `p mod active` (thread 0 is the
    /// caller), where `active` = min(`parts`, ``activeThreadCount``). Workers
    /// use the caller's flush-to-zero mode. Allocates nothing.
    ///
    /// Jobs do not nest: a job must not call `run` on the same pool (the
    /// kernels never do). Pools are meant to live as long as the process —
    /// their threads are never stopped — so use ``shared`` rather than creating
    /// pools repeatedly.
    ///
    /// `threads`: how many threads to use, when the caller has read
    /// ``activeThreadCount`` already and built the job for that many (a job
    /// whose parts wait for each other needs a thread per part); by default
    /// ``activeThreadCount`` as it is now.
    public func run<Job: KernelJob>(parts: Int, threads: Int? = nil, _ job: Job) {
        let active = min(parts, threads.map { max(1, min(threadCount, $0)) } ?? activeThreadCount)
        if active <= 1 {
            for part in 0..<max(parts, 1) { job.run(part: part) }
            return
        }
        withUnsafePointer(to: job) { address in
            run(parts: parts, active: active, job: UnsafeRawPointer(address), type: Job.self)
        }
    }

    /// ``run(parts:_:)-(_,Job)`` for a closure: `body(part)` for every part.
    /// Boxes the closure (a small allocation per call), so the kernels of a
    /// training step use ``KernelJob`` values instead.
    public func run(parts: Int, _ body: (Int) -> Void) {
        if min(parts, activeThreadCount) <= 1 {
            for part in 0..<max(parts, 1) { body(part) }
            return
        }
        withoutActuallyEscaping(body) { body in run(parts: parts, ClosureJob(body: body)) }
    }

    /// Posts the job at `job` (of type `type`) to the workers, runs the
    /// caller's parts, and waits for the workers' parts.
    private func run(parts: Int, active: Int, job: UnsafeRawPointer, type: any KernelJob.Type) {
        callerLock.withLock { _ in
            jobAddress = job
            jobType = type
            jobParts = parts
            jobActive = active
            jobFlushesToZero = optbench_flushes_to_zero() != 0
            finished.store(0, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            for worker in 1..<threadCount where slots[worker].sleeping.exchange(0, ordering: .sequentiallyConsistent) == 1 {
                slots[worker].wakeup.signal()
            }
            runParts(of: 0)
            var spins = 0
            while finished.load(ordering: .sequentiallyConsistent) < threadCount - 1 {
                // Unpinned, the worker may wait for this very CPU: let it run.
                spins += 1
                optbench_cpu_relax()
                if !pinsThreads && spins > 4_000 { sched_yield() }
            }
            jobAddress = nil
            jobType = nil
        }
    }

    /// Runs the current job's parts that belong to `thread`: `thread`,
    /// `thread + active`, …; threads beyond `active` sit the job out.
    private func runParts(of thread: Int) {
        guard thread < jobActive, let job = jobAddress, let type = jobType else { return }
        var part = thread
        while part < jobParts {
            type.run(at: job, part: part)
            part += jobActive
        }
    }

    private func workerLoop(_ worker: Int) {
        if pinsThreads { _ = optbench_pin_to_allowed_cpu(Int32(worker)) }
        // Generation 0 is the pool's state at construction: a job posted before
        // this thread got to run is still seen as new.
        var seen = 0
        var flushing = false
        while true {
            var spins = 0
            var waitingSince: UInt64 = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                spins &+= 1
                optbench_cpu_relax()
                if !pinsThreads && spins > 20_000 { sched_yield() }  // share the CPU if anything else wants it
                guard spins & 1023 == 0 else { continue }
                // Sleep only after `idleNanoseconds` without a job: within a
                // training step the gaps between jobs are tens of microseconds,
                // and a sleeping worker costs a futex wake-up (~50–100 µs) per job.
                let now = DispatchTime.now().uptimeNanoseconds
                if waitingSince == 0 { waitingSince = now; continue }
                guard now - waitingSince > KernelThreads.idleNanoseconds else { continue }
                let slot = slots[worker]
                slot.sleeping.store(1, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen {
                    slot.wakeup.wait()
                } else if slot.sleeping.exchange(0, ordering: .sequentiallyConsistent) == 0 {
                    slot.wakeup.wait()  // the caller saw the flag and signalled: consume it
                }
                spins = 0
                waitingSince = 0
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            if jobFlushesToZero != flushing {
                if jobFlushesToZero { _ = optbench_enable_flush_to_zero() } else { optbench_disable_flush_to_zero() }
                flushing = jobFlushesToZero
            }
            runParts(of: worker)
            finished.add(1, ordering: .sequentiallyConsistent)
        }
    }
}
