import CKernelSupport
import Foundation

/// Flags through which the parts of a pipelined job tell each other which
/// row blocks they have finished (see ``Kernels/pipelinedMatmulPart(_:splits:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:)``).
///
/// Part `p` publishes row block `r` once its share of that block is written;
/// part `p + 1` waits for it before it continues the block. Each job starts a
/// new generation (``begin()``), so flags never need clearing: a flag counts as
/// set when it holds the current generation. Publishing has release and waiting
/// acquire semantics, so the waiting part sees everything written before.
public final class PipelineProgress: @unchecked Sendable {
    /// Parts the flags are kept for.
    public let parts: Int
    /// Row blocks the flags are kept for.
    public let rowBlocks: Int
    private let flags: UnsafeMutablePointer<Int>
    /// The current job's generation (0 before the first job).
    public private(set) var generation = 0

    /// Flags for `parts` parts of up to `rowBlocks` row blocks each.
    public init(parts: Int, rowBlocks: Int) {
        precondition(parts > 0 && rowBlocks > 0)
        self.parts = parts
        self.rowBlocks = rowBlocks
        flags = .allocate(capacity: parts * rowBlocks)
        flags.initialize(repeating: 0, count: parts * rowBlocks)
    }

    deinit { flags.deallocate() }

    /// Starts a job: every flag reads as not set. Call it before the job's
    /// threads start, from the thread that starts them.
    public func begin() {
        generation += 1
    }

    /// Marks row block `block` of part `part` as finished.
    @inlinable
    public func publish(part: Int, block: Int) {
        optbench_store_release(flag(part: part, block: block), generation)
    }

    /// Spins until part `part` has finished row block `block`. After a few
    /// thousand spins (tens of microseconds) it also yields the CPU, in case
    /// the part it waits for needs this very CPU (more threads than CPUs, or
    /// unpinned threads).
    @inlinable
    public func wait(part: Int, block: Int) {
        let flag = flag(part: part, block: block), target = generation
        var spins = 0
        while optbench_load_acquire(flag) < target {
            optbench_cpu_relax()
            spins &+= 1
            if spins > 4_000 { sched_yield() }
        }
    }

    @usableFromInline
    func flag(part: Int, block: Int) -> UnsafeMutablePointer<Int> {
        precondition(part >= 0 && part < parts && block >= 0 && block < rowBlocks,
                     "pipeline flag \(part), \(block) outside \(parts) × \(rowBlocks)")
        return flags + part * rowBlocks + block
    }
}
