/// Work that ``KernelThreads`` splits into parts: `run(part:)` is called once
/// for every part, each on one thread, and must only write what no other part
/// reads or writes.
///
/// A job is a value that carries its operands (pointers, sizes), so that
/// handing it to the threads allocates nothing: the pool keeps a pointer to
/// the caller's job and its type while the job runs. A closure could not be
/// handed over that way (``KernelThreads/run(parts:_:)-(_,(Int)->Void)`` has to
/// box it), which is why the kernels that run in every training step use jobs.
public protocol KernelJob {
    /// Runs part `part` of the job.
    func run(part: Int)
}

extension KernelJob {
    /// Runs part `part` of the job of this type at `job`: how a pool that keeps
    /// only the job's address and type (an existential metatype, two words)
    /// calls it.
    @inlinable
    static func run(at job: UnsafeRawPointer, part: Int) {
        job.assumingMemoryBound(to: Self.self).pointee.run(part: part)
    }
}

/// A closure as a ``KernelJob``, for callers outside the training step (tests,
/// benchmarks, whole-vector updates), where boxing the closure costs nothing
/// that matters.
@usableFromInline
struct ClosureJob: KernelJob {
    @usableFromInline let body: (Int) -> Void

    @inlinable
    init(body: @escaping (Int) -> Void) { self.body = body }

    @inlinable
    func run(part: Int) { body(part) }
}
